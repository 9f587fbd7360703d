#!/usr/bin/env node
// The targets of docs/performance.md ("The targets, in one sitting") from a sitting's result files: the median of
// each server's runs per preset, TrackerEvents' ratios to (a) the bare Kestrel loop and (b) the SignalR hub, each
// round's own ratio, and whether the target is met. bench/run-all.sh calls it after ONLY=sitting.
//   node bench/load/targets.js result1.json result2.json ...
// Runs are told apart by preset, server and shape: many viewers at 15,000 connections and 2,000 changes/s in 20
// requests/s, broadcast at 5 changes/s, control room, cross-node (group cross-node, label postgres-2nodes) and
// devices on SQLite (the archived sittings in bench/results-2026-11-30/ name their cross-node runs *-xn-*); runs with
// stalled clients are left out.
'use strict';
const fs = require('node:fs');

const files = process.argv.slice(2);
if (files.length === 0) {
  console.error('usage: node bench/load/targets.js result.json ...');
  process.exit(2);
}
const results = files.map((f) => JSON.parse(fs.readFileSync(f, 'utf8'))).filter((r) => r.preset && !r.stalled).sort((x, y) => x.date.localeCompare(y.date));

const median = (values) => {
  const v = values.filter((x) => x != null).sort((x, y) => x - y);
  if (v.length === 0) return null;
  return v.length % 2 ? v[(v.length - 1) / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
};
const round1 = (x) => (x == null ? null : Math.round(x * 10) / 10);
const runs = (preset, target) => results.filter((r) => r.preset === preset && r.target === target);
const mv = (t) => runs('many-viewers', t).filter((r) => r.connections === 15000 && r.rate_target === 2000 && r.requests_per_s === 20);
const bc = (t) => runs('broadcast', t).filter((r) => r.rate_target === 5);

// Per round: the i-th run of each server, for the ratio that round gave.
const perRound = (xs, ys, f) => xs.map((x, i) => (ys[i] ? (f(x) / f(ys[i])).toFixed(2) : null));
const p50 = (r) => r.latency_ms.p50;
const p99 = (r) => r.latency_ms.p99;
const cpu = (r) => r.server?.cpu_percent;

const rows = [];
function target(name, value, limit, met, rounds) {
  rows.push([name, value, limit, rounds, met == null ? 'no runs' : met ? 'met' : 'MISSED']);
}
function ratioTarget(name, te, peer, f, limitRatio, peerName) {
  const [x, y] = [median(te.map(f)), median(peer.map(f))];
  const r = x != null && y ? x / y : null;
  target(name, r == null ? '-' : `${round1(x)} vs ${round1(y)} = ${r.toFixed(2)}×`, `≤ ${limitRatio}× ${peerName}`,
    r == null ? null : r <= limitRatio, perRound(te, peer, f).join(', '));
}
function limitTarget(name, values, limit, unit, atMost = true) {
  const m = median(values);
  target(name, m == null ? '-' : `${round1(m)} ${unit}`, `${atMost ? '≤' : '≥'} ${limit} ${unit}`,
    m == null ? null : atMost ? m <= limit : m >= limit, values.map(round1).join(', '));
}

const te = 'trackerevents';
ratioTarget('many viewers p50', mv(te), mv('kestrel'), p50, 2, '(a)');
ratioTarget('many viewers p99', mv(te), mv('signalr'), p99, 1, '(b)');
ratioTarget('many viewers server CPU', mv(te), mv('signalr'), cpu, 2, '(b)');
ratioTarget('broadcast 5/s p99', bc(te), bc('kestrel'), p99, 1, '(a)');
const cr = runs('control-room', te);
limitTarget('control room p99', cr.map(p99), 1200, 'ms');
limitTarget('control room RSS max', cr.map((r) => r.server?.rss_max_mb), 1200, 'MB');
limitTarget('cross-node p50', runs('many-viewers', te).filter((r) => (r.group === 'cross-node' && r.label === 'postgres-2nodes') || /-xn-/.test(r.label)).map(p50), 5, 'ms');
const dev = runs('devices', te).filter((r) => !/postgres|phones/.test(r.label));
limitTarget('devices points/s', dev.map((r) => r.changes_per_s), 10000, '/s', false);
limitTarget('devices request p99', dev.map((r) => r.devices?.request_ms.p99), 50, 'ms');
limitTarget('devices point → viewer p99', dev.map(p99), 100, 'ms');

const fmt = (v) => (v == null ? '-' : String(v));
const head = ['target', 'median', 'limit', 'each round', ''];
const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => fmt(r[i]).length)));
const line = (cells) => '| ' + cells.map((c, i) => fmt(c).padEnd(widths[i])).join(' | ') + ' |';
console.log([line(head), '|' + widths.map((w) => '-'.repeat(w + 2)).join('|') + '|', ...rows.map(line)].join('\n'));
const met = rows.filter((r) => r[4] === 'met').length;
console.log(`\n${met} of ${rows.length} met (runs: ${results.length})`);
