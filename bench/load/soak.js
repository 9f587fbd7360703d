'use strict';
// Soak run: a long stretch of mixed load, with the server's resources sampled every 10 s. Flat lines pass.
//
//   bench/run.sh soak -- [--duration 1800] [--sample 10]
//
// The load, all at once for --duration seconds:
//   - 200 steady viewers on state_batch (target all, 1 s), reading everything;
//   - WebSocket churn: a connection every 100 ms, subscribed to 5 trackers for 1-5 s, then half close
//     properly (close frame + close request), half just vanish (retained for the reconnect that never comes);
//   - long-polling reconnect churn: 5 clients a second do a handshake poll, push a subscribe, poll twice,
//     then stop polling without a close request;
//   - slow clients: 20 WebSockets that subscribe and then never read (dropped as slow consumers), replaced
//     as they go;
//   - ingest: 200 state changes a second over 10 requests;
//   - noise: 20 pushes a second for tracking ids the server does not hold, and 10 bad messages a second.
// Sampled: server RSS, open file descriptors, log directory size, SQLite WAL size, clients known
// (retained included), live connections. Written to bench/results/soak-<label>-<time>.json.
const fs = require('node:fs');
const path = require('node:path');
const http = require('node:http');
const WebSocket = require('ws');

const args = Object.fromEntries(process.argv.slice(2).reduce((pairs, a, i, all) =>
  (a.startsWith('--') ? [...pairs, [a.slice(2), all[i + 1] && !all[i + 1].startsWith('--') ? all[i + 1] : 'true']] : pairs), []));
const url = new URL(args.url ?? 'http://127.0.0.1:18080');
const adminKey = args['admin-key'];
const serverPid = Number(args['server-pid']);
const workDir = args['work-dir'];
const duration = Number(args.duration ?? 1800) * 1000;
const sampleEvery = Number(args.sample ?? 10) * 1000;
const label = args.label ?? 'trackerevents';
const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
const log = (...m) => console.log(`[soak ${((Date.now() - started) / 1000).toFixed(0).padStart(5)}s]`, ...m);
const started = Date.now();
const stats = { wsOpened: 0, wsFailed: 0, polls: 0, pushes: 0, ingested: 0, ingestFailed: 0, noise: 0, slowDropped: 0 };

function request(method, pathAndQuery, body, headers = {}) {
  return new Promise((resolve) => {
    const data = body === undefined ? undefined : Buffer.from(typeof body === 'string' ? body : JSON.stringify(body));
    const req = http.request({ host: url.hostname, port: url.port, method, path: pathAndQuery, agent,
      headers: { ...(data ? { 'Content-Type': 'application/json', 'Content-Length': data.length } : {}), ...headers } }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, text: Buffer.concat(chunks).toString() }));
    });
    req.setTimeout(60000, () => req.destroy());
    req.on('error', () => resolve({ status: 0, text: '' }));
    if (data) req.write(data);
    req.end();
  });
}

const admin = (p, body) => request('POST', p, body, { 'X-Api-Key': adminKey });
const event = '/v2/event/subscription';
const query = (transport, id, extra = '') =>
  `${event}?X-Atmosphere-tracking-id=${id}&X-Atmosphere-Framework=3.1.3-javascript&X-Atmosphere-Transport=${transport}`
  + `&X-atmo-protocol=true&X-Atmosphere-TrackMessageSize=true&Content-Type=application/json${extra}`;

async function setUp() {
  await admin('/admin/users', { login: 'soak', password: 'soak-password' });
  const trackers = [];
  for (let i = 0; i < 100; i++) {
    const r = JSON.parse((await admin('/admin/trackers', { login: 'soak', label: `Soak ${i}`, device_id: `soak-${String(i).padStart(6, '0')}`, model: 'x' })).text);
    trackers.push(r.id);
  }
  const hash = JSON.parse((await request('POST', '/v2/user/auth', { login: 'soak', password: 'soak-password' })).text).hash;
  return { trackers, hash };
}

function openSocket({ hash, requests, read = true, onClose }) {
  const ws = new WebSocket(`ws://${url.host}${query('websocket', 0)}`, { perMessageDeflate: false });
  let uuid = null;
  ws.on('message', (data) => {
    const text = data.toString();
    if (uuid === null) {
      uuid = text.split('|')[1];
      ws.send(JSON.stringify({ action: 'subscribe', hash, requests }));
      stats.wsOpened++;
      if (!read) ws._socket.pause();
    }
  });
  ws.on('error', () => stats.wsFailed++);
  ws.on('close', () => onClose?.());
  return { ws, uuid: () => uuid };
}

function pick(trackers, n) {
  const start = Math.floor(Math.random() * (trackers.length - n));
  return trackers.slice(start, start + n);
}

async function loop(everyMs, body) {
  const end = started + duration;
  while (Date.now() < end) {
    const t = Date.now();
    body().catch(() => {});
    await new Promise((r) => setTimeout(r, Math.max(0, everyMs - (Date.now() - t))));
  }
}

async function longPollClient(hash, trackers) {
  const first = await request('GET', query('long-polling', 0));
  const uuid = first.text.split('|')[1];
  if (!uuid) return;
  stats.polls++;
  await request('POST', query('polling', uuid), JSON.stringify({ action: 'subscribe', hash, requests: [{ type: 'state', trackers: pick(trackers, 3) }] }));
  stats.pushes++;
  for (let i = 0; i < 2; i++) {
    await request('GET', query('long-polling', uuid, '&X-Heartbeat-Server=0'));
    stats.polls++;
  }
  // ... and then it stops polling, without a close request: retained, then released after the retention.
}

function sample() {
  const status = fs.readFileSync(`/proc/${serverPid}/status`, 'utf8');
  const rssMb = Number(/VmRSS:\s+(\d+)/.exec(status)[1]) / 1024;
  const fds = fs.readdirSync(`/proc/${serverPid}/fd`).length;
  const dirSize = (dir) => (fs.existsSync(dir) ? fs.readdirSync(dir).reduce((n, f) => n + fs.statSync(path.join(dir, f)).size, 0) : 0);
  const logMb = dirSize(path.join(workDir, `logs-${url.port}`)) / 1048576;
  const wal = path.join(workDir, 'bench.db-wal');
  const walMb = fs.existsSync(wal) ? fs.statSync(wal).size / 1048576 : 0;
  return { rssMb, fds, logMb, walMb };
}

async function metrics() {
  const text = (await request('GET', '/metrics')).text;
  const value = (name) => Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(text)?.[1] ?? NaN);
  return { clients: value('trackerevents_clients'), connections: value('trackerevents_connections') };
}

async function main() {
  const { trackers, hash } = await setUp();
  log(`set up: ${trackers.length} trackers; running ${duration / 1000} s`);
  for (let i = 0; i < 200; i++) openSocket({ hash, requests: [{ type: 'state_batch', target: { type: 'all' }, rate_limit: '1s' }] });
  const slow = () => openSocket({ hash, read: false, requests: [{ type: 'state', trackers: pick(trackers, 20) }],
    onClose: () => { stats.slowDropped++; if (Date.now() < started + duration) setTimeout(slow, 1000); } });
  for (let i = 0; i < 20; i++) slow();

  const samples = [];
  const sampler = setInterval(async () => {
    const s = { t: Math.round((Date.now() - started) / 1000), ...sample(), ...(await metrics()), ...stats };
    samples.push(s);
    log(`rss ${s.rssMb.toFixed(0)} MB, fds ${s.fds}, logs ${s.logMb.toFixed(1)} MB, wal ${s.walMb.toFixed(2)} MB, clients ${s.clients}, connections ${s.connections}`);
  }, sampleEvery);

  let round = 0;
  await Promise.all([
    loop(100, async () => {
      const { ws, uuid } = openSocket({ hash, requests: [{ type: 'state', trackers: pick(trackers, 5) }] });
      await new Promise((r) => setTimeout(r, 1000 + Math.random() * 4000));
      if (Math.random() < 0.5) {
        ws.close();
        if (uuid()) await request('GET', `${event}?X-Atmosphere-Transport=close&X-Atmosphere-tracking-id=${uuid()}`);
      } else {
        ws.terminate();
      }
    }),
    loop(200, () => longPollClient(hash, trackers)),
    loop(100, async () => {
      const states = pick(trackers, 20).map((id) => ({ tracker_id: id, gps: { speed: round++ % 120, location: { lat: 52 + Math.random() / 10, lng: 4.9 } } }));
      const r = await admin('/ingest/states', { states });
      if (r.status === 200) stats.ingested += states.length; else stats.ingestFailed++;
    }),
    loop(50, async () => {
      stats.noise++;
      await request('POST', query('polling', `00000000-0000-4000-8000-${String(stats.noise).padStart(12, '0')}`), '{}');
    }),
    loop(100, async () => {
      stats.noise++;
      const ws = new WebSocket(`ws://${url.host}${query('websocket', 0)}`, { perMessageDeflate: false });
      ws.on('open', () => { ws.send('{"action":"subscribe","hash":"x","requests":[{"type":"\\ud800"}]}'); setTimeout(() => ws.terminate(), 200); });
      ws.on('error', () => {});
    }),
  ]);

  clearInterval(sampler);
  const summary = summarize(samples);
  const file = path.join('bench', 'results', `soak-${label}-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, JSON.stringify({ preset: 'soak', label, duration_s: duration / 1000, stats, summary, samples }, null, 1));
  console.log('| measure | first | at half time | last | max | slope over the second half (per 10 min) |');
  console.log('|---|---|---|---|---|---|');
  for (const [name, s] of Object.entries(summary)) {
    console.log(`| ${name} | ${s.first} | ${s.half} | ${s.last} | ${s.max} | ${s.slopePer10Min} |`);
  }
  log(`wrote ${file}`);
  process.exit(0);
}

function summarize(samples) {
  const out = {};
  for (const name of ['rssMb', 'fds', 'logMb', 'walMb', 'clients', 'connections']) {
    const values = samples.map((s) => s[name]);
    const second = samples.slice(Math.floor(samples.length / 2));
    const n = second.length;
    const mt = second.reduce((a, s) => a + s.t, 0) / n;
    const mv = second.reduce((a, s) => a + s[name], 0) / n;
    const slope = second.reduce((a, s) => a + (s.t - mt) * (s[name] - mv), 0) / Math.max(1e-9, second.reduce((a, s) => a + (s.t - mt) ** 2, 0));
    const round = (v) => Math.round(v * 100) / 100;
    out[name] = { first: round(values[0]), half: round(values[Math.floor(values.length / 2)]), last: round(values[values.length - 1]),
      max: round(Math.max(...values)), slopePer10Min: round(slope * 600) };
  }
  return out;
}

main().catch((e) => { console.error(e); process.exit(1); });
