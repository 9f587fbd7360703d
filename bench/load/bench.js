#!/usr/bin/env node
// Load generator for TrackerEvents and its two peers (bench/README.md).
//
// One coordinator process (this file, run by hand or by bench/run.sh) forks worker processes (this file
// with --worker), each holding a share of the WebSocket connections from its own 127.0.0.x source address
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

const { fork } = require('node:child_process');
const fs = require('node:fs');
const http = require('node:http');
const path = require('node:path');
const { performance } = require('node:perf_hooks');

const now = () => performance.timeOrigin + performance.now();
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

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
};

// ---------------------------------------------------------------------------------------------------
// Latency histogram: 0.1 ms buckets below 1 s, 10 ms buckets from 1 s to 120 s, one overflow bucket.
// ---------------------------------------------------------------------------------------------------
const FINE = 10000; // 0..1000 ms by 0.1
const COARSE = 11900; // 1 s..120 s by 10 ms
function newHistogram() { return { counts: new Array(FINE + COARSE + 1).fill(0), n: 0, max: 0, sum: 0 }; }
function record(h, ms) {
  if (ms < 0) ms = 0;
  let b = ms < 1000 ? Math.floor(ms * 10) : FINE + Math.min(COARSE, Math.floor((ms - 1000) / 10));
  h.counts[b]++;
  h.n++;
  h.sum += ms;
  if (ms > h.max) h.max = ms;
}
function mergeHistogram(into, h) {
  for (let i = 0; i < into.counts.length; i++) into.counts[i] += h.counts[i];
  into.n += h.n; into.sum += h.sum; into.max = Math.max(into.max, h.max);
}
function bucketValue(b) { return b < FINE ? (b + 0.5) / 10 : 1000 + (b - FINE + 0.5) * 10; }
function percentile(h, p) {
  if (h.n === 0) return null;
  const rank = Math.ceil(h.n * p);
  let seen = 0;
  for (let b = 0; b < h.counts.length; b++) { seen += h.counts[b]; if (seen >= rank) return Math.min(bucketValue(b), h.max); }
  return h.max;
}
// Sparse form for IPC (most buckets are empty).
function packHistogram(h) { const nz = []; h.counts.forEach((c, i) => { if (c) nz.push(i, c); }); return { nz, n: h.n, max: h.max, sum: h.sum }; }
function unpackHistogram(p) { const h = newHistogram(); for (let i = 0; i < p.nz.length; i += 2) h.counts[p.nz[i]] = p.nz[i + 1]; h.n = p.n; h.max = p.max; h.sum = p.sum; return h; }

// The frame the peers deliver: byte for byte the shape of the TrackerEvents full-format state event that
// the same ingest produces (captured from the server; ~600 bytes), with the same bench_ts field.
function peerFrame(trackerId, stamp, lat, lng, speed) {
  return '{"type":"event","event":"state","user_time":"2026-11-23 19:54:33","data":{"source_id":' + (200000 + trackerId) +
    ',"gps":{"updated":"2026-11-23 19:54:33","signal_level":null,"location":{"lat":' + lat + ',"lng":' + lng +
    '},"heading":0,"speed":' + speed + ',"alt":0},"connection_status":"just_registered","movement_status":"parked",' +
    '"movement_status_update":null,"gsm":null,"last_update":"2026-11-23 19:54:33","battery_level":null,"battery_update":null,' +
    '"inputs":[],"inputs_update":null,"outputs":[],"outputs_update":null,"additional":{"bench_ts":{"value":"' + stamp.toFixed(3) +
    '","updated":"2026-11-23 19:54:33"}},"actual_track_update":null}}';
}

// ===================================================================================================
// Worker: holds connections, parses deliveries, records latencies.
// ===================================================================================================
async function runWorker() {
  const WebSocket = require('ws');
  const conns = [];
  let cfg = null;
  let measureFrom = Infinity; // stamps older than this (snapshots, earlier phases) are not counted
  let measuring = false;
  const hist = newHistogram();
  const stats = { opened: 0, subscribed: 0, failed: 0, closed: 0, errorFrames: 0, events: 0, messages: 0, bytes: 0, stalled: 0, firstError: null };

  const STAMP = Buffer.from('bench_ts');

  // Finds every bench_ts stamp in a delivered message (a state event has one, a state_batch many).
  function onDelivery(buf) {
    const arrival = now();
    stats.messages++;
    stats.bytes += buf.length;
    let at = buf.indexOf(STAMP);
    while (at >= 0) {
      // "bench_ts":{"value":"1732384512345.123" (TrackerEvents and peers alike)
      let i = at + 8;
      const end = Math.min(buf.length, i + 24);
      while (i < end && (buf[i] < 48 || buf[i] > 57)) i++;
      let j = i;
      while (j < buf.length && ((buf[j] >= 48 && buf[j] <= 57) || buf[j] === 46)) j++;
      if (j > i) {
        const stamp = Number(buf.toString('latin1', i, j));
        if (measuring && stamp >= measureFrom) { record(hist, arrival - stamp); stats.events++; }
      }
      at = buf.indexOf(STAMP, j);
    }
  }

  function subscribeMessage(c) {
    if (cfg.kind === 'state_batch') {
      return JSON.stringify({ action: 'subscribe', hash: c.hash, requests: [{ type: 'state_batch', target: { type: 'all' }, rate_limit: cfg.rateLimit }] });
    }
    return JSON.stringify({ action: 'subscribe', hash: c.hash, requests: [{ type: 'state', trackers: c.trackers }] });
  }

  function open(c) {
    return new Promise((resolve) => {
      let url;
      if (cfg.target === 'trackerevents') {
        url = cfg.wsUrl + '/v2/event/subscription?X-Atmosphere-tracking-id=0&X-atmo-protocol=true&X-Atmosphere-Framework=3.1.3' +
          '&X-Atmosphere-Transport=websocket&Content-Type=application/json&X-Atmosphere-TrackMessageSize=' + (cfg.trackLength ? 'true' : 'false');
      } else if (cfg.target === 'kestrel') {
        url = cfg.wsUrl + '/ws?topics=' + c.trackers.join(',');
      } else {
        url = cfg.wsUrl + '/hub?topics=' + c.trackers.join(',');
      }
      const ws = new WebSocket(url, { localAddress: cfg.localAddress, perMessageDeflate: false, skipUTF8Validation: true, handshakeTimeout: 60000 });
      c.ws = ws;
      let state = 'connecting';
      let settled = false;
      const done = (ok) => { if (!settled) { settled = true; resolve(ok); } };
      const subscribed = () => {
        state = 'live';
        stats.subscribed++;
        if (c.stall) { ws._socket.pause(); stats.stalled++; } // stops reading: the kernel buffers fill, then the server's sends stall
        done(true);
      };
      ws.on('open', () => {
        stats.opened++;
        if (cfg.target === 'kestrel') subscribed();
        else if (cfg.target === 'signalr') { state = 'handshake'; ws.send('{"protocol":"json","version":1}\x1e'); }
        else state = 'handshake';
      });
      ws.on('message', (data) => {
        let buf = data;
        if (cfg.target === 'trackerevents') {
          if (cfg.trackLength) { const bar = buf.indexOf(124); if (bar > 0 && bar < 8) buf = buf.subarray(bar + 1); }
          if (state === 'handshake') { ws.send(subscribeMessage(c)); state = 'subscribing'; return; }
          if (state === 'subscribing') {
            if (buf.indexOf('"type":"response"') >= 0) { subscribed(); return; }
            if (buf.indexOf('"type":"error"') >= 0) { stats.errorFrames++; stats.firstError ??= buf.toString().slice(0, 300); ws.close(); done(false); return; }
          }
          if (buf.length < 200 && buf.indexOf('"type":"error"') >= 0) { stats.errorFrames++; stats.firstError ??= buf.toString().slice(0, 300); }
          onDelivery(buf);
        } else if (cfg.target === 'signalr') {
          if (state === 'handshake') { if (buf[0] === 123) subscribed(); return; } // "{}\x1e" (or an error object)
          onDelivery(buf);
        } else {
          onDelivery(buf);
        }
      });
      ws.on('error', (e) => { if (state === 'connecting') { stats.failed++; stats.firstError ??= String(e.message); } done(false); });
      ws.on('close', (code) => { if (state === 'live') stats.closed++; else if (state !== 'connecting') stats.failed++; state = 'closed'; done(false); if (code && code !== 1000 && code !== 1005) stats.lastCloseCode = code; });
    });
  }

  // Client heartbeats, as atmosphere.js (X every 30 s) and the SignalR client (ping every 15 s) send them.
  let beat = 0;
  const beats = setInterval(() => {
    const slice = Math.ceil(conns.length / 15);
    const part = conns.slice(beat * slice, (beat + 1) * slice);
    beat = (beat + 1) % 15;
    for (const c of part) {
      if (!c.ws || c.ws.readyState !== 1 || c.stall) continue;
      if (cfg.target === 'trackerevents') c.ws.send('X');
      else if (cfg.target === 'signalr') c.ws.send('{"type":6}\x1e');
    }
  }, cfg_beat());
  function cfg_beat() { return 1000; } // 15 slices a second apart: each connection every 15 s

  const report = () => ({ ...stats, inFlight: conns.length - stats.subscribed - stats.failed });

  process.on('message', async (msg) => {
    if (msg.type === 'open') {
      cfg = msg.cfg;
      for (const c of msg.conns) conns.push(c);
      let next = 0;
      const lanes = [];
      for (let l = 0; l < cfg.concurrency; l++) {
        lanes.push((async () => { while (next < conns.length) { const c = conns[next++]; await open(c); } })());
      }
      Promise.all(lanes).then(() => process.send({ type: 'opened', stats: report() }));
    } else if (msg.type === 'progress') {
      process.send({ type: 'progress', stats: report() });
    } else if (msg.type === 'measure') {
      measureFrom = msg.from;
      measuring = true;
      for (let i = 0; i < hist.counts.length; i++) hist.counts[i] = 0;
      hist.n = 0; hist.max = 0; hist.sum = 0; stats.events = 0; stats.messages = 0; stats.bytes = 0; stats.closed = 0; stats.errorFrames = 0;
    } else if (msg.type === 'stop') {
      measuring = false;
      process.send({ type: 'result', stats: report(), hist: packHistogram(hist) });
    } else if (msg.type === 'exit') {
      clearInterval(beats);
      for (const c of conns) { try { c.ws?.terminate(); } catch { /* gone */ } }
      setTimeout(() => process.exit(0), 200);
    }
  });
  process.send({ type: 'ready' });
}

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

const agent = new http.Agent({ keepAlive: true, maxSockets: 16 });
function request(base, method, pathname, body, headers = {}) {
  return new Promise((resolve, reject) => {
    const u = new URL(pathname, base);
    const payload = body === undefined ? undefined : (typeof body === 'string' ? body : JSON.stringify(body));
    const req = http.request({ host: u.hostname, port: u.port, path: u.pathname + u.search, method, agent, localAddress: '127.0.0.1',
      headers: { 'Content-Type': 'application/json', ...(payload ? { 'Content-Length': Buffer.byteLength(payload) } : {}), ...headers } }, (res) => {
      const chunks = [];
      res.on('data', (d) => chunks.push(d));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString();
        let json = null;
        try { json = JSON.parse(text); } catch { /* not JSON */ }
        resolve({ status: res.statusCode, json, text });
      });
    });
    req.setTimeout(120000, () => req.destroy(new Error('timeout')));
    req.on('error', reject);
    if (payload) req.write(payload);
    req.end();
  });
}

async function pool(items, concurrency, fn) {
  let next = 0;
  await Promise.all(Array.from({ length: concurrency }, async () => { while (next < items.length) { const i = next++; await fn(items[i], i); } }));
}

// /proc sampling of the server process.
const CLK_TCK = 100;
function procSample(pid) {
  if (!pid) return null;
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    const rssKb = Number(/VmRSS:\s+(\d+)/.exec(status)[1]);
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[11]) + Number(fields[12]); // utime + stime
    const fds = fs.readdirSync(`/proc/${pid}/fd`).length;
    return { t: now(), rssMb: rssKb / 1024, cpuSec: ticks / CLK_TCK, fds };
  } catch { return null; }
}
function machineBusySec() {
  const cpu = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
  return (cpu[0] + cpu[1] + cpu[2] + cpu[5] + cpu[6] + cpu[7]) / CLK_TCK; // user nice system irq softirq steal
}
function cpuOfSelfAndChildren(pids) { return pids.map((p) => procSample(p)?.cpuSec ?? 0).reduce((a, b) => a + b, 0); }

async function setupTrackerEvents(o, log) {
  const key = { 'X-Api-Key': o.adminKey };
  const admin = async (p, body) => {
    const r = await request(o.url, 'POST', p, body, key);
    if (!r.json?.success) throw new Error(`${p} failed: ${r.status} ${r.text.slice(0, 300)}`);
    return r.json;
  };
  const t0 = now();
  const run = Date.now().toString(36);
  const users = Array.from({ length: o.users }, (_, u) => `bench-${run}-${u}`);
  const hashes = new Array(o.users);
  await pool(users, 8, async (login, u) => {
    await admin('/admin/users', { login });
    hashes[u] = (await admin('/admin/api_keys', { login, title: 'bench' })).hash;
  });
  log(`set-up: ${o.users} users with API keys in ${((now() - t0) / 1000).toFixed(1)} s`);
  const t1 = now();
  const all = [];
  for (let u = 0; u < o.users; u++) for (let k = 0; k < o.trackersPerUser; k++) all.push({ login: users[u], label: `T${u}-${k}`, device_id: `b${run}-${u}-${k}`, model: 'bench' });
  const trackerIds = new Array(all.length);
  const chunks = [];
  for (let i = 0; i < all.length; i += 10000) chunks.push(i);
  await pool(chunks, 2, async (start) => {
    const res = await admin('/admin/trackers/bulk', { trackers: all.slice(start, start + 10000) });
    res.trackers.forEach((t, j) => { trackerIds[start + j] = t.id; });
  });
  log(`set-up: ${all.length} trackers through /admin/trackers/bulk in ${((now() - t1) / 1000).toFixed(1)} s`);
  const perUser = (u) => trackerIds.slice(u * o.trackersPerUser, (u + 1) * o.trackersPerUser);
  return { hashes, trackerIds, perUser, setupSeconds: (now() - t0) / 1000 };
}

// Which trackers connection i watches, and with which hash.
function plan(o, setup) {
  const conns = [];
  const groups = Math.max(1, Math.floor(o.trackersPerUser / o.trackersPerConnection));
  for (let i = 0; i < o.connections; i++) {
    const u = i % o.users;
    const g = Math.floor(i / o.users) % groups;
    const mine = setup.perUser(u);
    conns.push({ hash: setup.hashes?.[u], trackers: mine.slice(g * o.trackersPerConnection, (g + 1) * o.trackersPerConnection) });
  }
  return conns;
}

// The ingest driver: `rate` changes/s in 20 ticks a second, each tick one request, round robin over the trackers.
function startDriver(o, trackerIds, log) {
  const st = { sent: 0, accepted: 0, requests: 0, failed: 0, skipped: 0, inFlight: 0, reqHist: newHistogram(), firstError: null };
  if (o.rate <= 0 && !o.batch) return { st, stop: () => {} };
  const order = trackerIds.slice();
  for (let i = order.length - 1; i > 0; i--) { const j = Math.floor(Math.random() * (i + 1)); [order[i], order[j]] = [order[j], order[i]]; }
  let cursor = 0;
  let owed = 0;
  const ticksPerSecond = 20;
  const maxInFlight = 8;
  const startedAt = now();
  let ticks = 0;
  let stopped = false;
  const stateItem = (id, stamp) => ({ tracker_id: id, gps: { location: { lat: 52.3 + Math.random() * 0.1, lng: 4.8 + Math.random() * 0.1 }, speed: 50 }, additional: { bench_ts: stamp.toFixed(3) } });
  if (o.batch) {
    // Closed loop: each of ingestConcurrency loops posts a batch, waits for the answer, posts the next.
    const loop = async () => {
      while (!stopped) {
        const stamp = now();
        const items = [];
        for (let k = 0; k < o.batch; k++) { items.push(stateItem(order[cursor], stamp)); cursor = (cursor + 1) % order.length; }
        st.requests++; st.sent += o.batch; st.inFlight++;
        try {
          const r = await request(o.url, 'POST', '/ingest/states', JSON.stringify({ states: items }), { 'X-Api-Key': o.adminKey });
          record(st.reqHist, now() - stamp);
          if (r.status === 200 && r.json?.success) st.accepted += o.batch; else { st.failed += o.batch; st.firstError ??= `${r.status} ${r.text.slice(0, 200)}`; await sleep(100); }
        } catch (e) { st.failed += o.batch; st.firstError ??= String(e.message); await sleep(100); }
        st.inFlight--;
      }
    };
    for (let k = 0; k < o.ingestConcurrency; k++) loop();
    return { st, stop: () => { stopped = true; } };
  }
  const tick = () => {
    if (stopped) return;
    ticks++;
    owed += o.rate / ticksPerSecond;
    const n = Math.floor(owed);
    owed -= n;
    if (n > 0) {
      if (st.inFlight >= maxInFlight) { st.skipped += n; } else {
        const stamp = now();
        let body;
        let p;
        const ids = [];
        for (let k = 0; k < n; k++) { ids.push(order[cursor]); cursor = (cursor + 1) % order.length; }
        const lat = (52.3 + Math.random() * 0.1).toFixed(6);
        const lng = (4.8 + Math.random() * 0.1).toFixed(6);
        const speed = Math.floor(Math.random() * 90);
        if (o.target === 'trackerevents') {
          p = '/ingest/states';
          body = JSON.stringify({ states: ids.map((id) => ({ tracker_id: id, gps: { location: { lat: Number(lat), lng: Number(lng) }, speed }, additional: { bench_ts: stamp.toFixed(3) } })) });
        } else {
          p = '/publish';
          body = ids.map((id) => id + '\t' + peerFrame(id, stamp, lat, lng, speed)).join('\n');
        }
        st.inFlight++;
        st.requests++;
        st.sent += n;
        request(o.url, 'POST', p, body, o.target === 'trackerevents' ? { 'X-Api-Key': o.adminKey } : { 'Content-Type': 'text/plain' }).then((r) => {
          record(st.reqHist, now() - stamp);
          if (r.status === 200 && (o.target !== 'trackerevents' || r.json?.success)) st.accepted += n;
          else { st.failed += n; st.firstError ??= `${r.status} ${r.text.slice(0, 200)}`; }
        }, (e) => { st.failed += n; st.firstError ??= String(e.message); }).finally(() => { st.inFlight--; });
      }
    }
    // Self-correcting schedule: the next tick is due at startedAt + ticks/20 s.
    setTimeout(tick, Math.max(0, startedAt + (ticks * 1000) / ticksPerSecond - now()));
  };
  tick();
  return { st, stop: () => { stopped = true; } };
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
    trackLength: (a['track-length'] ?? 'true') === 'true',
    label: a.label,
    out: a.out,
  };
  for (const k of ['connections', 'rate', 'users', 'trackersPerUser', 'trackersPerConnection', 'batch', 'ingestConcurrency']) {
    const flag = k.replace(/[A-Z]/g, (c) => '-' + c.toLowerCase());
    if (a[flag] !== undefined) o[k] = Number(a[flag]);
  }
  if (o.target !== 'trackerevents' && o.kind !== 'state') { console.error('the peers take only the state presets (many-viewers, broadcast)'); process.exit(2); }
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
    const child = fork(__filename, ['--worker'], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'], execArgv: ['--max-old-space-size=4096'] });
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
    target: o.target, wsUrl, localAddress: `127.0.0.${2 + w}`, kind: o.kind, rateLimit: o.rateLimit, trackLength: o.trackLength, concurrency: o.concurrency } }));
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
  const workerPids = workers.map((wk) => wk.child.pid);
  const driver = startDriver(o, setup.trackerIds, log);
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
  const s0 = procSample(o.serverPid);
  const c0 = cpuOfSelfAndChildren(workerPids);
  const m0 = machineBusySec();
  const me0 = process.cpuUsage();
  const d0 = { ...driver.st };
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
  driver.stop();
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
  const changesPerSec = (d1.accepted - d0.accepted) / windowSec;
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
    ws_url: wsUrl !== o.url.replace(/^http/, 'ws') ? wsUrl : undefined,
    changes_per_s: round(changesPerSec, 1),
    events_per_s: round(totals.events / windowSec, 0),
    events_expected_per_s: fanout !== null ? round(changesPerSec * fanout * (1 - (stallEvery ? 1 / stallEvery : 0)), 0) : null,
    messages_per_s: round(totals.messages / windowSec, 0),
    mbytes_per_s: round(totals.bytes / windowSec / 1e6, 1),
    latency_ms: { p50: round(percentile(hist, 0.5), 1), p99: round(percentile(hist, 0.99), 1), max: round(hist.max, 1), mean: hist.n ? round(hist.sum / hist.n, 1) : null, n: hist.n },
    ingest_request_ms: { p50: round(percentile(driver.st.reqHist, 0.5), 1), p99: round(percentile(driver.st.reqHist, 0.99), 1) },
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
      ingest_failed: d1.failed - d0.failed, ingest_skipped: d1.skipped - d0.skipped, first: firstError ?? driver.st.firstError ?? null, other: errors,
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
  if (process.argv.includes('--worker')) runWorker();
  else runCoordinator().catch((e) => { console.error(e); process.exit(1); });
}
