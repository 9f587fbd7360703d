#!/usr/bin/env node
// Load generator for TrackerEvents and its two peers (bench/README.md).
//
// One coordinator process (this file, run by hand or by bench/run.sh) forks worker processes
// (worker.js), each holding a share of the WebSocket connections from its own 127.0.0.x source address
// (28k ephemeral ports per source address, and every process stays far below the 20,000 fd limit).
// The coordinator sets up users, API keys and trackers through the admin API, ramps the connections up
// while printing progress, samples the server's RSS and CPU from /proc, drives changes through the ingest
// API (or the peers' /publish) at a fixed rate, and merges the workers' latency histograms into one table,
// which it prints and writes as JSON. Every phase is bounded in time; the run ends by itself.
//
// Latency: the driver stamps its wall-clock time (ms, fractional) into each change
// (additional.bench_ts for TrackerEvents, the same field inside the same frame for the peers); a worker
// takes arrival - stamp for every stamp it finds in a delivered message. All processes share one clock.
'use strict';

// Files: histogram.js (latency buckets), worker.js (connections), driver.js (set-up, ingest, /proc).

const { fork } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const { newHistogram, mergeHistogram, percentile, unpackHistogram } = require('./histogram');
const { now, sleep, procSample, machineBusySec, cpuOfSelfAndChildren, setupTrackerEvents, plan, startDriver } = require('./driver');
const { startDevices } = require('./devices');
const phases = require('./phases');

// ---------------------------------------------------------------------------------------------------
// Presets (the three workloads)
// ---------------------------------------------------------------------------------------------------
const PRESETS = {
  // 50 connections, each state_batch (rate_limit 1s) on all of 10,000 trackers, 10,000 changes/s.
  'control-room': { connections: 50, users: 1, trackersPerUser: 10000, trackersPerConnection: 10000, kind: 'state_batch', rateLimit: '1s', rate: 10000 },
  // 15,000 connections, each state on 10 trackers of its user (1,500 users x 100 trackers), 2,000 changes/s.
  'many-viewers': { connections: 15000, users: 1500, trackersPerUser: 100, trackersPerConnection: 10, kind: 'state', rate: 2000 },
  // 15,000 connections all on state of the same 20 trackers, 20 changes/s.
  broadcast: { connections: 15000, users: 1, trackersPerUser: 20, trackersPerConnection: 20, kind: 'state', rate: 20 },
  // Store throughput: ingest batches of --batch states as fast as --ingest-concurrency closed loops allow;
  // one connection watches all 1,000 trackers, so what was accepted is also seen dispatched.
  ingest: { connections: 1, users: 1, trackersPerUser: 1000, trackersPerConnection: 1000, kind: 'state', rate: 0, batch: 100, ingestConcurrency: 4 },
  // Devices reporting in (devices.js): one phone per tracker (100 users x 100 trackers), each sending an OsmAnd GET
  // every second on its kept-alive connection to the device listener; 1,000 viewers, each state on 10 trackers.
  devices: { connections: 1000, users: 100, trackersPerUser: 100, trackersPerConnection: 10, kind: 'state', rate: 0, devices: true },
};

// ===================================================================================================
// Coordinator
// ===================================================================================================
function parseArgs(argv) {
  const a = {};
  for (let i = 0; i < argv.length; i++) {
    const m = /^--([^=]+)(?:=(.*))?$/.exec(argv[i]);
    if (!m) continue;
    if (m[2] !== undefined) a[m[1]] = m[2];
    else if (i + 1 < argv.length && !argv[i + 1].startsWith('--')) a[m[1]] = argv[++i];
    else a[m[1]] = 'true';
  }
  return a;
}

async function runCoordinator() {
  const a = parseArgs(process.argv.slice(2));
  const preset = PRESETS[a.preset];
  if (!preset) { console.error(`--preset must be one of ${Object.keys(PRESETS).join(', ')}`); process.exit(2); }
  const o = {
    ...preset,
    preset: a.preset,
    target: a.target ?? 'trackerevents',
    url: a.url ?? 'http://127.0.0.1:18080',
    adminKey: a['admin-key'],
    serverPid: a['server-pid'] ? Number(a['server-pid']) : null,
    duration: Number(a.duration ?? 30),
    warmup: Number(a.warmup ?? 5),
    rampTimeout: Number(a['ramp-timeout'] ?? 240),
    perWorker: Number(a['per-worker'] ?? 5000),
    concurrency: Number(a.concurrency ?? 100),
    stall: Number(a.stall ?? 0),
    requestsPerSecond: Number(a['requests-per-second'] ?? 20),
    trackLength: (a['track-length'] ?? 'true') === 'true',
    frames: a.frames ? require('node:path').resolve(a.frames) : null,
    label: a.label,
    out: a.out,
    deviceUrl: a['device-url'] ?? 'http://127.0.0.1:18055',
    deviceInterval: Number(a['device-interval'] ?? 1000),
    devicesPerWorker: Number(a['devices-per-worker'] ?? 5000),
  };
  for (const k of ['connections', 'rate', 'users', 'trackersPerUser', 'trackersPerConnection', 'batch', 'ingestConcurrency']) {
    const flag = k.replace(/[A-Z]/g, (c) => '-' + c.toLowerCase());
    if (a[flag] !== undefined) o[k] = Number(a[flag]);
  }
  if (o.target !== 'trackerevents' && (o.kind !== 'state' || o.devices)) { console.error('the peers take only the state presets (many-viewers, broadcast)'); process.exit(2); }
  const log = (s) => console.log(`[bench ${((now() - t0) / 1000).toFixed(1).padStart(6)}s] ${s}`);
  const t0 = now();
  const errors = [];
  if (a.batch === undefined && o.preset !== 'ingest') delete o.batch;
  log(`preset ${o.preset} against ${o.target} at ${o.url}: ${o.connections} connections, ${o.kind}${o.rateLimit ? ' ' + o.rateLimit : ''}, ${o.rate} changes/s, ${o.duration} s`);

  // --- set-up ---
  let setup;
  if (o.target === 'trackerevents') setup = await setupTrackerEvents(o, log);
  else {
    const ids = Array.from({ length: o.users * o.trackersPerUser }, (_, i) => i + 1);
    setup = { trackerIds: ids, perUser: (u) => ids.slice(u * o.trackersPerUser, (u + 1) * o.trackersPerUser), setupSeconds: 0 };
  }
  const conns = plan(o, setup);
  const stallEvery = o.stall > 0 ? Math.round(1 / o.stall) : 0;
  conns.forEach((c, i) => { c.stall = stallEvery > 0 && i % stallEvery === stallEvery - 1; });
  await sleep(2000);
  const base = procSample(o.serverPid);
  if (base) log(`server before connecting: RSS ${base.rssMb.toFixed(0)} MB, ${base.fds} fds`);

  // --- workers ---
  const nWorkers = Math.max(1, Math.ceil(o.connections / o.perWorker));
  const wsUrl = (a['ws-url'] ?? o.url).replace(/^http/, 'ws'); // --ws-url: clients on another node than the ingest
  const workers = [];
  for (let w = 0; w < nWorkers; w++) {
    const child = fork(path.join(__dirname, 'worker.js'), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'], execArgv: ['--max-old-space-size=4096'] });
    const wk = { child, w, progress: null, opened: false, result: null };
    child.on('message', (m) => {
      if (m.type === 'progress' || m.type === 'opened') wk.progress = m.stats;
      if (m.type === 'opened') wk.opened = true;
      if (m.type === 'result') wk.result = m;
    });
    workers.push(wk);
    await new Promise((r) => child.once('message', r)); // ready
  }
  const slices = workers.map(() => []);
  conns.forEach((c, i) => slices[i % nWorkers].push(c));
  const rampStart = now();
  workers.forEach((wk, w) => wk.child.send({ type: 'open', conns: slices[w], cfg: {
    target: o.target, wsUrl, localAddress: `127.0.0.${2 + w}`, kind: o.kind, rateLimit: o.rateLimit, trackLength: o.trackLength, concurrency: o.concurrency,
    frames: o.frames && w === 0 ? o.frames : null } }));
  const sum = (f) => workers.reduce((s, wk) => s + (wk.progress?.[f] ?? 0), 0);
  const poll = async () => { workers.forEach((wk) => wk.child.send({ type: 'progress' })); await sleep(150); };
  while (true) {
    await sleep(850);
    await poll();
    const s = procSample(o.serverPid);
    log(`ramp: ${sum('subscribed')}/${o.connections} subscribed, ${sum('opened')} open, ${sum('failed')} failed` +
      (s ? `; server RSS ${s.rssMb.toFixed(0)} MB, ${s.fds} fds` : ''));
    if (workers.every((wk) => wk.opened)) break;
    if (now() - rampStart > o.rampTimeout * 1000) { errors.push(`ramp timed out after ${o.rampTimeout} s`); log('ramp timed out'); break; }
  }
  const rampSeconds = (now() - rampStart) / 1000;
  const subscribed = sum('subscribed');
  const failedConnections = sum('failed');
  const firstError = workers.map((wk) => wk.progress?.firstError).find((e) => e);
  if (firstError) log(`first connection error: ${firstError}`);
  log(`ramp done in ${rampSeconds.toFixed(1)} s: ${subscribed} subscribed (${(subscribed / rampSeconds).toFixed(0)}/s), ${failedConnections} failed`);

  // --- idle memory ---
  await sleep(5000);
  const idle = procSample(o.serverPid);
  const perConnKb = base && idle && subscribed > 0 ? ((idle.rssMb - base.rssMb) * 1024) / subscribed : null;
  if (idle) log(`idle with ${subscribed} subscribed: server RSS ${idle.rssMb.toFixed(0)} MB, ${perConnKb?.toFixed(1)} KB per connection`);

  // --- measured load ---
  const driver = o.devices ? await startDevices(o, setup.deviceIds, log) : startDriver(o, setup.trackerIds, log);
  const workerPids = [...workers.map((wk) => wk.child.pid), ...(driver.pids ?? [])];
  const loadStart = now();
  const timeline = []; // server RSS and fds every 2 s from the start of the load: shows whether memory stays bounded
  let prevSample = procSample(o.serverPid);
  const sampleTimeline = () => {
    const s = procSample(o.serverPid);
    if (s) {
      const cpu = prevSample ? (100 * (s.cpuSec - prevSample.cpuSec)) / ((s.t - prevSample.t) / 1000) : null;
      timeline.push({ t: round((s.t - loadStart) / 1000, 1), rss_mb: round(s.rssMb, 0), fds: s.fds, cpu_percent: round(cpu, 0), accepted: driver.st.accepted });
      prevSample = s;
    }
    return s;
  };
  while (now() < loadStart + o.warmup * 1000) {
    await sleep(Math.min(2000, loadStart + o.warmup * 1000 - now()));
    const s = sampleTimeline();
    if (o.warmup > 10) log(`warm-up: driver ${driver.st.accepted} accepted` + (s ? `; server RSS ${s.rssMb.toFixed(0)} MB, ${s.fds} fds` : ''));
  }
  const measureFrom = now();
  workers.forEach((wk) => wk.child.send({ type: 'measure', from: measureFrom }));
  driver.measure?.(measureFrom);
  const s0 = procSample(o.serverPid);
  const c0 = cpuOfSelfAndChildren(workerPids);
  const m0 = machineBusySec();
  const me0 = process.cpuUsage();
  const d0 = { ...driver.st };
  const phaseUrls = [...new Set([o.url, wsUrl.replace(/^ws/, 'http')])]; // the ingest node, and the clients' node if another
  const p0 = await Promise.all(phaseUrls.map(phases.scrape));
  let rssMax = s0?.rssMb ?? 0;
  const end = measureFrom + o.duration * 1000;
  while (now() < end) {
    await sleep(Math.min(2000, end - now()));
    const s = sampleTimeline();
    if (s) rssMax = Math.max(rssMax, s.rssMb);
    await poll();
    log(`load: ${sum('events')} events counted, driver ${driver.st.accepted - d0.accepted} accepted, ${driver.st.failed} failed, ${driver.st.skipped} skipped` +
      (s ? `; server RSS ${s.rssMb.toFixed(0)} MB` : ''));
  }
  // Stamps made before the end still count when they arrive shortly after it (up to 3 s), so a run's
  // last second is not cut off; events/s is over the window during which those stamps were made.
  const measureEnd = now();
  const s1 = procSample(o.serverPid);
  const c1 = cpuOfSelfAndChildren(workerPids);
  const m1 = machineBusySec();
  const me1 = process.cpuUsage(me0);
  const d1 = { ...driver.st };
  const p1 = await Promise.all(phaseUrls.map(phases.scrape));
  const devices = await driver.stop(measureEnd); // the devices preset's own count of the window (null otherwise)
  await sleep(o.kind === 'state_batch' ? 3000 : 2000);
  workers.forEach((wk) => wk.child.send({ type: 'stop' }));
  const deadline = now() + 15000;
  while (workers.some((wk) => !wk.result) && now() < deadline) await sleep(100);
  const hist = newHistogram();
  const totals = { events: 0, messages: 0, bytes: 0, closed: 0, errorFrames: 0, stalled: 0, failed: 0 };
  for (const wk of workers) {
    if (!wk.result) { errors.push(`worker ${wk.w} did not report`); continue; }
    mergeHistogram(hist, unpackHistogram(wk.result.hist));
    for (const k of Object.keys(totals)) totals[k] += wk.result.stats[k] ?? 0;
  }
  const end2 = procSample(o.serverPid);
  workers.forEach((wk) => wk.child.send({ type: 'exit' }));
  setTimeout(() => workers.forEach((wk) => { try { wk.child.kill('SIGKILL'); } catch { /* gone */ } }), 5000).unref();

  const windowSec = (measureEnd - measureFrom) / 1000;
  const changesPerSec = (devices ? devices.accepted : d1.accepted - d0.accepted) / windowSec;
  const fanout = o.kind === 'state' ? (o.connections * o.trackersPerConnection) / (o.users * o.trackersPerUser) : null;
  const result = {
    preset: o.preset,
    group: a.group ?? o.preset,
    target: o.target,
    label: o.label ?? o.target,
    date: new Date().toISOString(),
    connections: o.connections,
    subscribed,
    stalled: totals.stalled,
    kind: o.kind + (o.rateLimit ? ` (rate_limit ${o.rateLimit})` : ''),
    rate_target: o.batch ? `closed loop, batches of ${o.batch}, ${o.ingestConcurrency} in flight` : o.rate,
    requests_per_s: o.batch ? null : o.requestsPerSecond,
    ws_url: wsUrl !== o.url.replace(/^http/, 'ws') ? wsUrl : undefined,
    changes_per_s: round(changesPerSec, 1),
    events_per_s: round(totals.events / windowSec, 0),
    events_expected_per_s: fanout !== null ? round(changesPerSec * fanout * (1 - (stallEvery ? 1 / stallEvery : 0)), 0) : null,
    messages_per_s: round(totals.messages / windowSec, 0),
    mbytes_per_s: round(totals.bytes / windowSec / 1e6, 1),
    latency_ms: { p50: round(percentile(hist, 0.5), 1), p99: round(percentile(hist, 0.99), 1), max: round(hist.max, 1), mean: hist.n ? round(hist.sum / hist.n, 1) : null, n: hist.n },
    phases: phases.breakdown(p0[0], p1[0], devices ? devices.accepted : d1.accepted - d0.accepted) ?? undefined,
    phases_clients_node: phaseUrls.length > 1 ? phases.breakdown(p0[1], p1[1], d1.accepted - d0.accepted) ?? undefined : undefined,
    ingest_request_ms: { p50: round(percentile(driver.st.reqHist, 0.5), 1), p99: round(percentile(driver.st.reqHist, 0.99), 1) },
    devices: devices ? { phones: setup.deviceIds.length, interval_ms: o.deviceInterval, sent: devices.sent, accepted: devices.accepted, refused: devices.refused,
      connection_errors: devices.errors, skipped: devices.skipped, request_ms: { p50: round(devices.request_ms.p50, 1), p99: round(devices.request_ms.p99, 1), max: round(devices.request_ms.max, 1) } } : undefined,
    server: s0 && s1 ? {
      rss_before_mb: round(base.rssMb, 0), rss_idle_mb: round(idle.rssMb, 0), rss_max_mb: round(rssMax, 0), rss_end_mb: round(end2?.rssMb ?? s1.rssMb, 0),
      idle_kb_per_connection: round(perConnKb, 1), cpu_percent: round((100 * (s1.cpuSec - s0.cpuSec)) / windowSec, 0), fds: s1.fds,
    } : null,
    clients_cpu_percent: round((100 * (c1 - c0)) / windowSec, 0),
    driver_cpu_percent: round((me1.user + me1.system) / 1e4 / windowSec, 0),
    // Everything else on the machine during the window (other processes, the store's server): 200 = both cores.
    other_cpu_percent: s0 && s1 ? round((100 * (m1 - m0 - (s1.cpuSec - s0.cpuSec) - (c1 - c0)) - (me1.user + me1.system) / 1e4) / windowSec, 0) : null,
    ramp: { seconds: round(rampSeconds, 1), per_second: round(subscribed / rampSeconds, 0) },
    setup_seconds: round(setup.setupSeconds, 1),
    errors: {
      connections_failed: failedConnections, closed_during_run: totals.closed, error_frames: totals.errorFrames,
      ingest_failed: devices ? devices.refused + devices.errors : d1.failed - d0.failed, ingest_skipped: devices ? devices.skipped : d1.skipped - d0.skipped, first: firstError ?? driver.st.firstError ?? null, other: errors,
    },
    window_s: round(windowSec, 1),
    warmup_s: o.warmup,
    timeline,
  };
  printTable([result]);
  const outFile = o.out ?? path.join(__dirname, '..', 'results', `${o.preset}-${o.label ?? o.target}-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  fs.mkdirSync(path.dirname(outFile), { recursive: true });
  fs.writeFileSync(outFile, JSON.stringify(result, null, 2) + '\n');
  log(`wrote ${outFile}`);
  await sleep(600);
  process.exit(0);
}

function round(v, d) { return v === null || v === undefined || Number.isNaN(v) ? null : Number(v.toFixed(d)); }

function printTable(results) {
  const rows = results.map((r) => [
    r.preset, r.label, String(r.subscribed), String(r.events_per_s), r.events_expected_per_s === null ? '-' : String(r.events_expected_per_s),
    String(r.latency_ms.p50), String(r.latency_ms.p99), String(r.latency_ms.max),
    r.server ? String(r.server.rss_max_mb) : '-', r.server ? String(r.server.idle_kb_per_connection) : '-', r.server ? String(r.server.cpu_percent) : '-',
    String(r.clients_cpu_percent),
    String(r.errors.connections_failed + r.errors.closed_during_run + r.errors.error_frames + r.errors.ingest_failed + r.errors.ingest_skipped),
  ]);
  const head = ['preset', 'server', 'conns', 'events/s', 'expected/s', 'p50 ms', 'p99 ms', 'max ms', 'RSS MB', 'KB/conn idle', 'srv CPU%', 'cli CPU%', 'errors'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells) => '| ' + cells.map((c, i) => c.padEnd(widths[i])).join(' | ') + ' |';
  console.log(line(head));
  console.log('|' + widths.map((w) => '-'.repeat(w + 2)).join('|') + '|');
  rows.forEach((r) => console.log(line(r)));
}

module.exports = { printTable, PRESETS };

if (require.main === module) {
  runCoordinator().catch((e) => { console.error(e); process.exit(1); });
}
