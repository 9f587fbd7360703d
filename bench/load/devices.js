'use strict';
// The devices preset's senders (bench/README.md): N simulated phones, each on one kept-alive TCP
// connection to the device listener, each sending an OsmAnd GET every --device-interval ms (default
// 1000), as the OsmAnd app and the Traccar Client do. A phone waits for the answer to its last point
// before it sends the next one; a tick that finds it still waiting is skipped and counted.
//
// Coordinator side: startDevices() forks one sender process per --devices-per-worker phones (each from its
// own 127.0.0.x source address) and returns the driver interface bench.js uses (st, measure, stop).
// Sender side (this file forked): raw sockets rather than node:http, whose per-request cost would
// make the senders, not the server, the limit on this 2-core machine.

const { fork } = require('node:child_process');
const net = require('node:net');
const path = require('node:path');
const { performance } = require('node:perf_hooks');
const { newHistogram, record, mergeHistogram, packHistogram, unpackHistogram, percentile } = require('./histogram');

const now = () => performance.timeOrigin + performance.now();

// ---------------------------------------------------------------------------------------------------
// Coordinator side
// ---------------------------------------------------------------------------------------------------
async function startDevices(o, deviceIds, log) {
  const url = new URL(o.deviceUrl);
  const perWorker = o.devicesPerWorker;
  const workers = [];
  for (let start = 0, w = 0; start < deviceIds.length; start += perWorker, w++) {
    const child = fork(__filename, ['sender'], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    const wk = { child, progress: { accepted: 0 }, result: null, opened: false };
    child.on('message', (m) => {
      if (m.type === 'progress') wk.progress = m.stats;
      if (m.type === 'opened') wk.opened = true;
      if (m.type === 'result') wk.result = m;
    });
    workers.push(wk);
    child.send({ type: 'start', ids: deviceIds.slice(start, start + perWorker), cfg: {
      host: url.hostname, port: Number(url.port), localAddress: `127.0.0.${20 + w}`, interval: o.deviceInterval } });
  }
  while (!workers.every((wk) => wk.opened)) await new Promise((r) => setTimeout(r, 200));
  log(`devices: ${deviceIds.length} phones connected from ${workers.length} sender processes, one point every ${o.deviceInterval} ms each`);
  const st = { accepted: 0, failed: 0, skipped: 0, firstError: null, reqHist: newHistogram() };
  const poll = setInterval(() => {
    workers.forEach((wk) => wk.child.send({ type: 'progress' }));
    st.accepted = workers.reduce((s, wk) => s + wk.progress.accepted, 0);
    st.failed = workers.reduce((s, wk) => s + (wk.progress.refused ?? 0) + (wk.progress.errors ?? 0), 0);
    st.skipped = workers.reduce((s, wk) => s + (wk.progress.skipped ?? 0), 0);
    st.firstError ??= workers.map((wk) => wk.progress.firstError).find((e) => e) ?? null;
  }, 500);
  return {
    st,
    pids: workers.map((wk) => wk.child.pid),
    measure: (from) => workers.forEach((wk) => wk.child.send({ type: 'measure', from })),
    // Stops sending; the window's figures count the points sent in [from, until) and answered by then + 3 s.
    async stop(until) {
      clearInterval(poll);
      workers.forEach((wk) => wk.child.send({ type: 'stop', until }));
      const deadline = now() + 15000;
      while (workers.some((wk) => !wk.result) && now() < deadline) await new Promise((r) => setTimeout(r, 100));
      const hist = newHistogram();
      const totals = { sent: 0, accepted: 0, refused: 0, errors: 0, skipped: 0 };
      for (const wk of workers.filter((w) => w.result)) {
        mergeHistogram(hist, unpackHistogram(wk.result.hist));
        for (const k of Object.keys(totals)) totals[k] += wk.result.window[k];
        st.firstError ??= wk.result.window.firstError;
      }
      workers.forEach((wk) => { wk.child.send({ type: 'exit' }); setTimeout(() => { try { wk.child.kill('SIGKILL'); } catch { /* gone */ } }, 3000).unref(); });
      st.reqHist = hist;
      return { ...totals, request_ms: { p50: percentile(hist, 0.5), p99: percentile(hist, 0.99), max: hist.max }, firstError: st.firstError };
    },
  };
}

// ---------------------------------------------------------------------------------------------------
// Sender side
// ---------------------------------------------------------------------------------------------------
function runSender() {
  const phones = [];
  let cfg = null;
  let measureFrom = Infinity;
  let until = Infinity;
  const hist = newHistogram();
  const total = { accepted: 0, refused: 0, errors: 0, skipped: 0, firstError: null };
  const window = { sent: 0, accepted: 0, refused: 0, errors: 0, skipped: 0, firstError: null };
  const inWindow = (t) => t >= measureFrom && t < until;
  let stopped = false;

  function answer(p, status, body) {
    const sentAt = p.sentAt;
    p.sentAt = 0;
    const ok = status === 200;
    if (ok) total.accepted++; else { total.refused++; total.firstError ??= `${status} ${body}`.trim(); }
    if (inWindow(sentAt)) {
      record(hist, now() - sentAt);
      if (ok) window.accepted++; else { window.refused++; window.firstError ??= `${status} ${body}`.trim(); }
    }
  }

  // Answers are "HTTP/1.1 200 OK\r\n...Content-Length: n\r\n\r\n<n bytes>"; several may arrive in one chunk.
  function onData(p, chunk) {
    p.buf = p.buf.length ? Buffer.concat([p.buf, chunk]) : chunk;
    while (true) {
      const end = p.buf.indexOf('\r\n\r\n');
      if (end < 0) return;
      const head = p.buf.toString('latin1', 0, end);
      const m = /content-length:\s*(\d+)/i.exec(head);
      const length = m ? Number(m[1]) : 0;
      if (p.buf.length < end + 4 + length) return;
      const status = Number(head.slice(9, 12));
      answer(p, status, status === 200 ? '' : p.buf.toString('utf8', end + 4, end + 4 + length));
      p.buf = p.buf.subarray(end + 4 + length);
    }
  }

  function connect(p) {
    return new Promise((resolve) => {
      p.buf = Buffer.alloc(0);
      p.sentAt = 0;
      p.socket = net.connect({ host: cfg.host, port: cfg.port, localAddress: cfg.localAddress, noDelay: true }, () => resolve());
      p.socket.on('data', (chunk) => onData(p, chunk));
      p.socket.on('error', (e) => { total.errors++; total.firstError ??= String(e.message); if (inWindow(p.sentAt)) window.errors++; });
      p.socket.on('close', () => { p.socket = null; p.sentAt = 0; resolve(); });
    });
  }

  function send(p) {
    const t = now();
    if (!p.socket) { connect(p); return; }
    if (p.sentAt) { total.skipped++; if (inWindow(t)) window.skipped++; return; }
    p.lat += (Math.random() - 0.5) * 0.001;
    p.lon += (Math.random() - 0.5) * 0.001;
    const speed = (Math.random() * 40).toFixed(1);
    p.sentAt = t;
    if (inWindow(t)) window.sent++;
    p.socket.write(`GET /?id=${p.id}&lat=${p.lat.toFixed(6)}&lon=${p.lon.toFixed(6)}&timestamp=${Math.floor(t)}&speed=${speed}` +
      `&bearing=${Math.floor(Math.random() * 360)}&altitude=5&accuracy=8&batt=80&bench_ts=${t.toFixed(3)} HTTP/1.1\r\n` +
      `Host: ${cfg.host}:${cfg.port}\r\nUser-Agent: OsmAnd~\r\nConnection: Keep-Alive\r\n\r\n`);
  }

  process.on('message', async (msg) => {
    if (msg.type === 'start') {
      cfg = msg.cfg;
      for (const id of msg.ids) phones.push({ id, lat: 52.3 + Math.random() * 0.1, lon: 4.8 + Math.random() * 0.1, socket: null, buf: null, sentAt: 0 });
      for (let i = 0; i < phones.length; i += 100) await Promise.all(phones.slice(i, i + 100).map(connect));
      process.send({ type: 'opened' });
      // Each phone on its own phase within the interval; one timer sweeps them in 20 slices per interval.
      const slices = 20;
      let slice = 0;
      const tick = () => {
        for (let i = slice; i < phones.length; i += slices) send(phones[i]);
        slice = (slice + 1) % slices;
      };
      const started = now();
      let ticks = 0;
      const loop = () => {
        if (stopped) return; // nothing is sent after the window, as the ingest driver stops at its end
        tick();
        ticks++;
        setTimeout(loop, Math.max(0, started + (ticks * cfg.interval) / slices - now()));
      };
      loop();
    } else if (msg.type === 'progress') {
      process.send({ type: 'progress', stats: total });
    } else if (msg.type === 'measure') {
      measureFrom = msg.from;
    } else if (msg.type === 'stop') {
      until = msg.until;
      stopped = true;
      setTimeout(() => process.send({ type: 'result', window, hist: packHistogram(hist) }), 3000);
    } else if (msg.type === 'exit') {
      for (const p of phones) p.socket?.destroy();
      setTimeout(() => process.exit(0), 200);
    }
  });
}

module.exports = { startDevices };

if (require.main === module && process.argv[2] === 'sender') runSender();
