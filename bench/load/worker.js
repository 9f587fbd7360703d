'use strict';
// Worker process of the load tool (forked by bench.js): holds its share of the WebSocket connections
// from its own 127.0.0.x source address, parses deliveries, and records the latency of every stamp it
// finds into a histogram that it sends to the coordinator.

const { performance } = require('node:perf_hooks');
const { newHistogram, record, packHistogram } = require('./histogram');

const now = () => performance.timeOrigin + performance.now();

async function runWorker() {
  const WebSocket = require('ws');
  const conns = [];
  let cfg = null;
  let measureFrom = Infinity; // stamps older than this (snapshots, earlier phases) are not counted
  let measuring = false;
  const hist = newHistogram();
  const stats = { opened: 0, subscribed: 0, failed: 0, closed: 0, errorFrames: 0, events: 0, messages: 0, bytes: 0, stalled: 0, firstError: null };

  const STAMP = Buffer.from('bench_ts');

  const traced = []; // --frames: one line per message of the first 50 connections of worker 0

  // Finds every bench_ts stamp in a delivered message (a state event has one, a state_batch many).
  function onDelivery(buf, c) {
    const arrival = now();
    let newest = 0;
    let oldest = Infinity;
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
        if (stamp > newest) newest = stamp;
        if (stamp < oldest) oldest = stamp;
        if (measuring && stamp >= measureFrom) { record(hist, arrival - stamp); stats.events++; }
      }
      at = buf.indexOf(STAMP, j);
    }
    if (cfg.frames && measuring && c?.traceId !== undefined && newest > 0) {
      // connection, arrival (ms since the epoch), bytes, age of its newest and oldest stamp (ms)
      traced.push(`${c.traceId} ${arrival.toFixed(1)} ${buf.length} ${(arrival - newest).toFixed(1)} ${(arrival - oldest).toFixed(1)}`);
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
          onDelivery(buf, c);
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
      for (const c of msg.conns) {
        if (cfg.frames && conns.length < 50) c.traceId = conns.length;
        conns.push(c);
      }
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
      if (cfg.frames) require('node:fs').writeFileSync(cfg.frames, traced.join('\n') + '\n');
      process.send({ type: 'result', stats: report(), hist: packHistogram(hist) });
    } else if (msg.type === 'exit') {
      clearInterval(beats);
      for (const c of conns) { try { c.ws?.terminate(); } catch { /* gone */ } }
      setTimeout(() => process.exit(0), 200);
    }
  });
  process.send({ type: 'ready' });
}

runWorker();
