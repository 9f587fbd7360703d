'use strict';
// Mock Atmosphere server, for verifying the client driver only (the real server is C#).
// It does just enough of the Atmosphere wire protocol (docs/protocol.md) for the
// real atmosphere.js clients to open, exchange messages, reconnect and close:
//   - handshake "<uuid>|<clientHbMs>|X|" on tracking-id 0 with X-atmo-protocol=true
//   - "<len>|" prefix (UTF-16 length) when X-Atmosphere-TrackMessageSize=true
//   - whitespace frame when a websocket comes back with a known tracking id
//   - server heartbeat "X" after heartbeatMs of write-idleness
//   - pushes are echoed back to the same connection as messages
//   - long-polling and streaming GET, POST push (X-Atmosphere-Transport=polling)
//   - close request (X-Atmosphere-Transport=close, GET or POST) answered 200
// Every request is recorded in `log` so tests can assert on the exact URLs.
//
// Standalone: node mock-server.js [--port 8080] [--heartbeat-ms 0] [--refuse-websocket 404]
//             [--client-heartbeat-ms 0] [--http-padding 2048] [--nosniff false]
// prints one JSON line per recorded request/frame.

const http = require('http');
const crypto = require('crypto');
const { EventEmitter } = require('events');
const WebSocket = require('ws');

const PADDING = 'X';

function encode(conn, payload) {
  // Whitespace-only padding is never prefixed (TrackMessageSizeInterceptor skips it).
  if (!conn.tms || payload.trim() === '') return payload;
  return payload.length + '|' + payload; // JS length = UTF-16 code units, as the client counts
}

function createMockServer(options = {}) {
  const opts = {
    heartbeatMs: 0, // server heartbeat after this much idleness; 0 = off
    clientHeartbeatMs: 0, // advertised in the handshake
    refuseWebSocket: 0, // HTTP status to refuse upgrades with (e.g. 404, 501); 0 = accept
    reconnectPadding: ' '.repeat(8) + '\n', // sent on websocket reconnect so onReopen fires
    httpPadding: 2048, // spaces (+ "\n") opening each streaming response and held long-poll, as Java does
    nosniff: false, // send X-Content-Type-Options: nosniff on HTTP transports
    publishResponse: '', // body of the answer to a POST push (delivered to onMessagePublished)
    ...options,
  };
  const log = [];
  const events = new EventEmitter();
  const conns = new Map(); // uuid -> connection state

  function record(entry) {
    const e = { ts: Date.now(), ...entry };
    log.push(e);
    events.emit('record', e);
    return e;
  }

  function connFor(uuid, transport, tms) {
    let c = conns.get(uuid);
    if (!c) {
      c = { uuid, queue: [], closed: false };
      conns.set(uuid, c);
    }
    c.transport = transport;
    c.tms = tms;
    c.closed = false;
    return c;
  }

  function armHeartbeat(c) {
    clearTimeout(c.hbTimer);
    if (opts.heartbeatMs > 0) c.hbTimer = setTimeout(() => send(c.uuid, PADDING, true), opts.heartbeatMs);
  }

  // Delivers one payload to whatever the uuid is connected with right now.
  function send(uuid, payload, isHeartbeat = false) {
    const c = conns.get(uuid);
    if (!c || c.closed) return false;
    const wire = isHeartbeat && !c.tms ? payload : encode(c, payload);
    record({ kind: 'send', uuid, transport: c.transport, wire });
    if (c.ws && c.ws.readyState === WebSocket.OPEN) c.ws.send(wire);
    else if (c.stream) c.stream.write(wire);
    else if (c.poll) {
      const res = c.poll;
      c.poll = null;
      res.end(wire);
    } else c.queue.push(wire); // long-poll between requests: cache until the next poll
    armHeartbeat(c);
    return true;
  }

  function handshake(c) {
    return encode(c, `${c.uuid}|${opts.clientHeartbeatMs}|${PADDING}|`);
  }

  function onMessageFromClient(c, body, via) {
    if (body === PADDING) {
      record({ kind: 'client-heartbeat', uuid: c.uuid, via });
      return;
    }
    record({ kind: 'push', uuid: c.uuid, via, body });
    send(c.uuid, body); // echo
  }

  function params(req) {
    const u = new URL(req.url, 'http://mock');
    const q = Object.fromEntries(u.searchParams);
    const get = (name) => q[name] ?? req.headers[name.toLowerCase()];
    return { path: u.pathname, query: q, get };
  }

  function readBody(req) {
    return new Promise((resolve) => {
      const chunks = [];
      req.on('data', (d) => chunks.push(d));
      req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    });
  }

  const server = http.createServer(async (req, res) => {
    const { path, query, get } = params(req);
    const body = await readBody(req);
    const transport = (get('X-Atmosphere-Transport') || '').toLowerCase();
    record({ kind: 'http', method: req.method, url: req.url, path, query, headers: req.headers, body });
    res.setHeader('Content-Type', 'text/plain; charset=utf-8');
    res.setHeader('Cache-Control', 'no-store');
    if (opts.nosniff) res.setHeader('X-Content-Type-Options', 'nosniff');

    if (transport === 'close') {
      const c = conns.get(get('X-Atmosphere-tracking-id'));
      if (c) {
        c.closed = true;
        clearTimeout(c.hbTimer);
        if (c.poll) c.poll.end();
        if (c.stream) c.stream.end();
        c.poll = c.stream = null;
      }
      record({ kind: 'close-request', method: req.method, uuid: get('X-Atmosphere-tracking-id') });
      return res.end();
    }
    if (transport === 'polling' && req.method === 'POST') {
      const c = conns.get(get('X-Atmosphere-tracking-id'));
      res.end(opts.publishResponse || '');
      if (c) onMessageFromClient(c, body, 'post');
      return;
    }
    if (transport !== 'long-polling' && transport !== 'streaming') {
      res.statusCode = 400;
      return res.end('unsupported transport');
    }

    const tms = get('X-Atmosphere-TrackMessageSize') === 'true';
    const tid = get('X-Atmosphere-tracking-id');
    const isNew = !tid || tid === '0';
    const c = connFor(isNew ? crypto.randomUUID() : tid, transport, tms);
    const protocol = get('X-atmo-protocol') === 'true';
    const padding = opts.httpPadding > 0 ? ' '.repeat(opts.httpPadding) + '\n' : '';
    res.on('close', () => {
      if (c.poll === res) c.poll = null;
      if (c.stream === res) {
        c.stream = null;
        record({ kind: 'stream-closed', uuid: c.uuid });
      }
    });

    if (transport === 'long-polling') {
      if (isNew && protocol) {
        record({ kind: 'handshake', uuid: c.uuid, transport });
        return res.end(handshake(c)); // completed at once: the client polls again with the uuid
      }
      if (c.queue.length) return res.end(c.queue.splice(0).join(''));
      // The client fires onOpen when a held poll reaches readyState 2. Node's XHR gets there
      // with the headers alone; Chromium needs body bytes: > 1 KB (its MIME-sniffing buffer),
      // or 1 byte with X-Content-Type-Options: nosniff. Java sends 2 KB of spaces here.
      c.poll = res;
      res.flushHeaders();
      if (padding) res.write(padding);
      armHeartbeat(c);
      return;
    }
    // streaming: keep the response open and write to it
    // Padding and handshake in one write: padding alone would make the client fire onOpen
    // before it has parsed the handshake. Chromium shows nothing of a text/plain stream until
    // it has > 1 KB of it, unless nosniff is set.
    c.stream = res;
    res.flushHeaders();
    if (isNew && protocol) {
      record({ kind: 'handshake', uuid: c.uuid, transport });
      res.write(padding + handshake(c));
    } else if (padding) res.write(padding);
    for (const w of c.queue.splice(0)) res.write(w);
    armHeartbeat(c);
  });

  const wss = new WebSocket.Server({ noServer: true });
  server.on('upgrade', (req, socket, head) => {
    const { path, query, get } = params(req);
    const entry = record({ kind: 'ws-upgrade', url: req.url, path, query, headers: req.headers });
    if (opts.refuseWebSocket) {
      entry.refused = opts.refuseWebSocket;
      socket.end(`HTTP/1.1 ${opts.refuseWebSocket} Refused\r\nContent-Length: 0\r\nConnection: close\r\n\r\n`);
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      const tid = get('X-Atmosphere-tracking-id');
      const isNew = !tid || tid === '0';
      const c = connFor(isNew ? crypto.randomUUID() : tid, 'websocket', get('X-Atmosphere-TrackMessageSize') === 'true');
      c.ws = ws;
      ws.on('message', (data) => onMessageFromClient(c, data.toString(), 'websocket'));
      ws.on('close', (code, reason) => {
        if (c.ws === ws) c.ws = null;
        clearTimeout(c.hbTimer);
        record({ kind: 'ws-closed', uuid: c.uuid, code, reason: String(reason) });
      });
      if (isNew && get('X-atmo-protocol') === 'true') {
        record({ kind: 'handshake', uuid: c.uuid, transport: 'websocket' });
        ws.send(handshake(c));
      } else if (!isNew && opts.reconnectPadding) {
        record({ kind: 'reopen-padding', uuid: c.uuid });
        ws.send(opts.reconnectPadding);
      }
      armHeartbeat(c);
    });
  });

  return {
    server,
    log,
    events,
    options: opts,
    send,
    connections: conns,
    /** Writes exactly `wire` (no length prefix) to the uuid's websocket or stream. */
    sendRaw(uuid, wire) {
      const c = conns.get(uuid);
      record({ kind: 'send', uuid, transport: c.transport, wire, raw: true });
      if (c.ws) c.ws.send(wire);
      else c.stream.write(wire);
    },
    /** Resolves with the first recorded entry matching pred (already recorded or future). */
    waitFor(pred, timeoutMs = 10000) {
      return new Promise((resolve, reject) => {
        const hit = log.find(pred);
        if (hit) return resolve(hit);
        const on = (e) => {
          if (!pred(e)) return;
          clearTimeout(timer);
          events.off('record', on);
          resolve(e);
        };
        const timer = setTimeout(() => {
          events.off('record', on);
          reject(new Error(`mock: timed out after ${timeoutMs} ms waiting for ${pred}`));
        }, timeoutMs);
        events.on('record', on);
      });
    },
    /** Drops the uuid's socket or HTTP response without a close handshake. */
    terminate(uuid) {
      const c = conns.get(uuid);
      if (!c) return;
      if (c.ws) c.ws.terminate();
      if (c.stream) c.stream.destroy();
      if (c.poll) c.poll.destroy();
    },
    listen(port = 0) {
      return new Promise((resolve) => server.listen(port, '127.0.0.1', () => resolve(server.address().port)));
    },
    close() {
      for (const c of conns.values()) clearTimeout(c.hbTimer);
      for (const ws of wss.clients) ws.terminate();
      server.closeAllConnections?.();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

module.exports = { createMockServer };

if (require.main === module) {
  const arg = (name, def) => {
    const i = process.argv.indexOf('--' + name);
    return i > 0 ? process.argv[i + 1] : def;
  };
  const mock = createMockServer({
    heartbeatMs: +arg('heartbeat-ms', 0),
    clientHeartbeatMs: +arg('client-heartbeat-ms', 0),
    refuseWebSocket: +arg('refuse-websocket', 0),
    httpPadding: +arg('http-padding', 2048),
    nosniff: arg('nosniff', 'false') === 'true',
  });
  mock.events.on('record', (e) => process.stdout.write(JSON.stringify(e) + '\n'));
  mock.listen(+arg('port', 8080)).then((port) => process.stderr.write(`mock listening on http://127.0.0.1:${port}/v2/event/subscription\n`));
}
