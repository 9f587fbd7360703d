'use strict';
// The coordinator's side of the load tool that talks HTTP and reads /proc: the admin set-up of users, API
// keys and trackers, the ingest driver (or the peers' /publish), and samples of a process's RSS and CPU.

const fs = require('node:fs');
const http = require('node:http');
const { performance } = require('node:perf_hooks');
const { newHistogram, record } = require('./histogram');

const now = () => performance.timeOrigin + performance.now();
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

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
  return { hashes, trackerIds, deviceIds: all.map((t) => t.device_id), perUser, setupSeconds: (now() - t0) / 1000 };
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
  const ticksPerSecond = o.requestsPerSecond ?? 20; // each tick sends what is owed in one request
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

module.exports = { now, sleep, procSample, machineBusySec, cpuOfSelfAndChildren, setupTrackerEvents, plan, startDriver };
