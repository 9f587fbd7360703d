#!/usr/bin/env node
// Merges result files of bench.js into one summary: per preset, every server's figures and TrackerEvents'
// ratios to (a) the bare Kestrel loop and (b) the SignalR hub. Prints Markdown tables and writes JSON.
//   node bench/load/report.js [--out summary.json] result1.json result2.json ...
// With no files, takes the newest result of each (preset, label) in bench/results/.
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const args = process.argv.slice(2);
let out = null;
const files = [];
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--out') out = args[++i];
  else files.push(args[i]);
}
const dir = path.join(__dirname, '..', 'results');
if (files.length === 0 && fs.existsSync(dir)) {
  const newest = new Map();
  for (const f of fs.readdirSync(dir).filter((f) => f.endsWith('.json') && !f.startsWith('summary'))) {
    const r = JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8'));
    if (!r.preset) continue;
    const key = (r.group ?? r.preset) + '|' + r.label;
    if (!newest.has(key) || newest.get(key).date < r.date) newest.set(key, { ...r, file: f });
  }
  files.push(...[...newest.values()].map((r) => path.join(dir, r.file)));
}
const results = files.map((f) => JSON.parse(fs.readFileSync(f, 'utf8'))).map((r, i) => ({ ...r, preset: r.group ?? r.preset, file: path.basename(files[i]) }));

const ratio = (x, y) => (x == null || y == null || y === 0 ? null : Number((x / y).toFixed(2)));
const fmt = (v) => (v == null ? '-' : String(v));
function table(head, rows) {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => fmt(r[i]).length)));
  const line = (cells) => '| ' + cells.map((c, i) => fmt(c).padEnd(widths[i])).join(' | ') + ' |';
  return [line(head), '|' + widths.map((w) => '-'.repeat(w + 2)).join('|') + '|', ...rows.map(line)].join('\n');
}

const summary = { date: new Date().toISOString(), presets: {} };
const order = ['control-room', 'many-viewers', 'broadcast', 'broadcast-5/s', 'stall-long', 'ingest', 'cross-node', 'devices'];
const presets = [...new Set(results.map((r) => r.preset))].sort((a, b) => order.indexOf(a) - order.indexOf(b));
for (const preset of presets) {
  const rows = results.filter((r) => r.preset === preset).sort((a, b) => a.label.localeCompare(b.label));
  const a = rows.find((r) => r.label === 'kestrel');
  const b = rows.find((r) => r.label === 'signalr');
  const out = rows.map((r) => ({
    server: r.label,
    connections: r.subscribed,
    changes_per_s: r.changes_per_s,
    events_per_s: r.events_per_s,
    events_vs_a: ratio(r.events_per_s, a?.events_per_s),
    events_vs_b: ratio(r.events_per_s, b?.events_per_s),
    p50_ms: r.latency_ms.p50,
    p99_ms: r.latency_ms.p99,
    max_ms: r.latency_ms.max,
    p99_vs_a: ratio(r.latency_ms.p99, a?.latency_ms.p99),
    p99_vs_b: ratio(r.latency_ms.p99, b?.latency_ms.p99),
    rss_max_mb: r.server?.rss_max_mb,
    kb_per_idle_connection: r.server?.idle_kb_per_connection,
    kb_vs_a: ratio(r.server?.idle_kb_per_connection, a?.server?.idle_kb_per_connection),
    kb_vs_b: ratio(r.server?.idle_kb_per_connection, b?.server?.idle_kb_per_connection),
    server_cpu_percent: r.server?.cpu_percent,
    clients_cpu_percent: r.clients_cpu_percent,
    other_cpu_percent: r.other_cpu_percent,
    errors: r.errors.connections_failed + r.errors.closed_during_run + r.errors.error_frames + r.errors.ingest_failed,
    ingest_skipped: r.errors.ingest_skipped,
    file: r.file,
  }));
  summary.presets[preset] = out;
  console.log(`\n### ${preset}\n`);
  console.log(table(
    ['server', 'conns', 'changes/s', 'events/s', 'vs (a)', 'vs (b)', 'p50 ms', 'p99 ms', 'max ms', 'p99 vs (a)', 'p99 vs (b)', 'RSS MB', 'KB/conn idle', 'srv CPU%', 'cli CPU%', 'other CPU%', 'errors', 'skipped'],
    out.map((r) => [r.server, r.connections, r.changes_per_s, r.events_per_s, r.events_vs_a, r.events_vs_b, r.p50_ms, r.p99_ms, r.max_ms,
      r.p99_vs_a, r.p99_vs_b, r.rss_max_mb, r.kb_per_idle_connection, r.server_cpu_percent, r.clients_cpu_percent, r.other_cpu_percent, r.errors, r.ingest_skipped])));
}
// The devices preset: points accepted through the device listener, and each request's own latency.
const deviceRuns = results.filter((r) => r.devices);
if (deviceRuns.length > 0) {
  console.log('\n### devices (request = the device\'s GET until its answer; delivery = its point until a viewer has it)\n');
  console.log(table(
    ['run', 'phones', 'points/s', 'request p50', 'request p99', 'delivery p50', 'delivery p99', 'srv CPU%', 'RSS MB', 'refused', 'skipped'],
    deviceRuns.map((r) => [r.label, r.devices.phones, r.changes_per_s, r.devices.request_ms.p50, r.devices.request_ms.p99, r.latency_ms.p50,
      r.latency_ms.p99, r.server?.cpu_percent, r.server?.rss_max_mb, r.devices.refused + r.devices.connection_errors, r.devices.skipped])));
}
// The server's own phase breakdown over each run's window (TrackerEvents with the phase histograms only).
const phaseRuns = results.filter((r) => r.phases?.commit);
if (phaseRuns.length > 0) {
  const ph = (r, k, q) => r.phases[k]?.[q];
  console.log('\n### phases (server histograms over the window, ms: commit | commit -> dispatch | dispatch -> socket write)\n');
  console.log(table(
    ['preset', 'run', 'commits', 'commit p50', 'commit p99', 'to dispatch p50', 'to dispatch p99', 'to write p50', 'to write p99', 'alloc KB/change'],
    phaseRuns.map((r) => [r.preset, r.label, ph(r, 'commit', 'count'), ph(r, 'commit', 'p50_ms'), ph(r, 'commit', 'p99_ms'),
      ph(r, 'commit_to_dispatch', 'p50_ms'), ph(r, 'commit_to_dispatch', 'p99_ms'), ph(r, 'dispatch_to_write', 'p50_ms'),
      ph(r, 'dispatch_to_write', 'p99_ms'), r.phases.allocated_kb_per_change])));
}
const file = out ?? path.join(dir, `summary-${summary.date.replace(/[:.]/g, '-')}.json`);
fs.mkdirSync(path.dirname(file), { recursive: true });
fs.writeFileSync(file, JSON.stringify(summary, null, 2) + '\n');
console.log(`\nwrote ${file}`);
