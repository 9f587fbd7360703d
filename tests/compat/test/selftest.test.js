'use strict';
// Self-test of the harness: the real atmosphere.js clients, driven by client.js, against the
// mock server. It proves the driver, not the C# server. Run: npm test (in tests/compat).

const { describe, test } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('fs');
const { createMockServer } = require('../mock-server');
const { DriverProcess, sleep } = require('./driver-process');

const PATH = '/v2/event/subscription';
const VERSION = { '2.3.6': '2.3.3-javascript', '3.1.3': '3.1.3-javascript' }; // npm 2.3.6 is 2.3.3 code
const UNICODE = 'Zürich ✓ 😀'; // 11 UTF-16 code units, 16 UTF-8 bytes
const HAVE_CHROMIUM = fs.existsSync('/usr/bin/chromium');

/** Starts a mock and one driver; both are torn down after the test. */
async function start(t, client, args = [], mockOptions = {}, runtime = 'node') {
  const mock = createMockServer(mockOptions);
  const port = await mock.listen();
  const d = new DriverProcess(['--client', client, '--url', `http://127.0.0.1:${port}${PATH}`, '--runtime', runtime, ...args]);
  t.after(async () => {
    await d.exit();
    await mock.close();
    assert.deepEqual(d.of('badLine'), [], 'stdout must carry only JSON lines');
    assert.deepEqual(d.of('uncaughtError'), []);
  });
  return { mock, d };
}

const kind = (k) => (e) => e.kind === k;
const closeRequest = (uuid) => (e) => e.kind === 'close-request' && e.uuid === uuid;

async function echo(d, data) {
  const from = d.events.length;
  d.send({ cmd: 'push', data });
  const msg = await d.waitFor('message', 5000, from);
  assert.equal(msg.body, data);
}

for (const client of ['2.3.6', '3.1.3']) {
  describe(`atmosphere.js ${client} in Node`, { concurrency: true }, () => {
    test('websocket: handshake, onOpen, non-ASCII echo, unsubscribe sends the close request', async (t) => {
      const { mock, d } = await start(t, client);
      const ready = await d.waitFor('ready');
      assert.equal(ready.version, VERSION[client]);
      const open = await d.waitFor('open');
      const hs = await mock.waitFor(kind('handshake'));
      assert.equal(open.uuid, hs.uuid);
      assert.equal(open.transport, 'websocket');
      const up = mock.log.find(kind('ws-upgrade'));
      assert.equal(up.url, `${PATH}?X-Atmosphere-tracking-id=0&X-Atmosphere-Framework=${VERSION[client]}` +
        '&X-Atmosphere-Transport=websocket&Content-Type=application/json&X-atmo-protocol=true');

      await echo(d, UNICODE);
      await echo(d, JSON.stringify({ action: 'subscribe', city: UNICODE }));

      d.send({ cmd: 'unsubscribe' });
      const close = await d.waitFor('close');
      assert.equal(close.state, 'unsubscribe');
      const cr = await mock.waitFor(closeRequest(open.uuid));
      assert.equal(cr.method, 'GET'); // no sendBeacon in Node
      const req = mock.log.find((e) => e.kind === 'http' && e.query['X-Atmosphere-Transport'] === 'close');
      assert.match(req.url, new RegExp(`^${PATH}\\?X-Atmosphere-Transport=close&X-Atmosphere-tracking-id=${open.uuid}&_=\\d+$`));
      const wsClosed = await mock.waitFor(kind('ws-closed'));
      assert.equal(wsClosed.code, 1005); // websocket.close() without a code
    });

    test('websocket + trackMessageLength: prefixed frames, split and batched frames, heartbeat hidden', async (t) => {
      const { mock, d } = await start(t, client, ['--trackMessageLength', 'true'], { heartbeatMs: 300 });
      const open = await d.waitFor('open');
      assert.match(mock.log.find(kind('ws-upgrade')).url, /&X-Atmosphere-Transport=websocket&X-Atmosphere-TrackMessageSize=true&Content-Type=/);

      await echo(d, UNICODE);
      assert.ok(mock.log.some((e) => e.kind === 'send' && e.wire === `11|${UNICODE}`), 'length counts UTF-16 code units');

      let from = d.events.length;
      mock.sendRaw(open.uuid, '3|abc4|defg'); // two messages in one frame
      assert.equal((await d.waitFor('message', 5000, from)).body, 'abc');
      assert.equal((await d.waitFor((e) => e.event === 'message' && e.body === 'defg', 5000, from)).body, 'defg');

      from = d.events.length;
      mock.sendRaw(open.uuid, '10|{"a":'); // one message split over two frames
      mock.sendRaw(open.uuid, '"xy"}');
      assert.equal((await d.waitFor('message', 5000, from)).body, '{"a":"xy"}');

      await mock.waitFor((e) => e.kind === 'send' && e.wire === '1|X', 3000);
      await sleep(100);
      assert.ok(!d.of('message').some((m) => m.body === 'X'), 'heartbeat must not reach onMessage');
    });

    test('websocket reconnect after the server drops the socket: same uuid, onReopen', async (t) => {
      const { mock, d } = await start(t, client, ['--reconnectInterval', '200']);
      const open = await d.waitFor('open');
      mock.terminate(open.uuid);
      const reopen = await d.waitFor('reopen');
      assert.equal(reopen.uuid, open.uuid);
      const names = d.events.map((e) => e.event);
      assert.deepEqual(names.slice(names.indexOf('open')), ['open', 'close', 'reconnect', 'reopen']);
      const ups = mock.log.filter(kind('ws-upgrade'));
      assert.equal(ups.length, 2);
      assert.equal(ups[1].query['X-Atmosphere-tracking-id'], open.uuid);
      assert.equal(ups[1].query['X-atmo-protocol'], 'true');
      assert.equal(mock.log.filter(kind('handshake')).length, 1);
      await echo(d, 'after reopen');
    });

    test('long-polling: handshake poll, polls with the uuid, POST push, close request, no extra poll', async (t) => {
      const { mock, d } = await start(t, client, ['--transport', 'long-polling', '--reconnectInterval', '300']);
      const open = await d.waitFor('open');
      assert.equal(open.transport, 'long-polling');
      const polls = () => mock.log.filter((e) => e.kind === 'http' && e.method === 'GET' && e.query['X-Atmosphere-Transport'] === 'long-polling');
      assert.equal(polls()[0].query['X-Atmosphere-tracking-id'], '0');
      assert.equal(polls()[1].query['X-Atmosphere-tracking-id'], open.uuid);
      assert.ok(polls().every((p) => p.query['X-atmo-protocol'] === 'true'), 'every poll carries X-atmo-protocol');

      await echo(d, UNICODE);
      const post = mock.log.find((e) => e.kind === 'http' && e.method === 'POST');
      assert.equal(post.query['X-Atmosphere-Transport'], 'polling');
      assert.equal(post.body, UNICODE);
      assert.equal(post.headers['content-type'], 'application/json');

      d.send({ cmd: 'unsubscribe' });
      const cr = await mock.waitFor(closeRequest(open.uuid));
      const pollsAtClose = polls().length;
      await sleep(800); // > reconnectInterval: the raw node-XMLHttpRequest would poll once more here
      assert.equal(polls().length, pollsAtClose, 'no poll after the close request');
      assert.equal(cr.method, 'GET');
    });

    test('streaming: open, POST push echo, close request', async (t) => {
      const { mock, d } = await start(t, client, ['--transport', 'streaming', '--trackMessageLength', 'true']);
      const open = await d.waitFor('open');
      assert.equal(open.transport, 'streaming');
      await echo(d, UNICODE);
      await echo(d, 'second');
      d.send({ cmd: 'unsubscribe' });
      await mock.waitFor(closeRequest(open.uuid));
    });

    test('refused websocket upgrade (404) falls back to streaming', async (t) => {
      const { mock, d } = await start(t, client, ['--reconnectInterval', '100'], { refuseWebSocket: 404 });
      const failure = await d.waitFor('transportFailure');
      assert.match(failure.reason, /Downgrading to streaming/);
      const open = await d.waitFor('open');
      assert.equal(open.transport, 'streaming');
      // 2.3.x downgrades after the first refusal; 3.x retries the websocket once first.
      assert.equal(mock.log.filter(kind('ws-upgrade')).length, client === '2.3.6' ? 1 : 2);
      const get = mock.log.find((e) => e.kind === 'http' && e.query['X-Atmosphere-Transport'] === 'streaming');
      assert.equal(get.query['X-Atmosphere-tracking-id'], '0');
      await echo(d, UNICODE);
    });
  });
}

describe('atmosphere.js in headless Chromium', { concurrency: 2, skip: !HAVE_CHROMIUM && 'no /usr/bin/chromium' }, () => {
  for (const client of ['2.3.6', '3.1.3']) {
    test(`${client} websocket: echo, unsubscribe close request (${client === '2.3.6' ? 'XHR GET' : 'sendBeacon POST'})`, async (t) => {
      const { mock, d } = await start(t, client, ['--trackMessageLength', 'true'], {}, 'chromium');
      assert.equal((await d.waitFor('ready', 20000)).runtime, 'chromium');
      const open = await d.waitFor('open');
      await echo(d, UNICODE);
      d.send({ cmd: 'unsubscribe' });
      const cr = await mock.waitFor(closeRequest(open.uuid));
      const req = mock.log.find((e) => e.kind === 'http' && e.query['X-Atmosphere-Transport'] === 'close');
      if (client === '2.3.6') assert.equal(cr.method, 'GET');
      else {
        assert.equal(cr.method, 'POST');
        assert.equal(req.url, `${PATH}?X-Atmosphere-Transport=close&X-Atmosphere-tracking-id=${open.uuid}`);
        assert.equal(req.headers['content-type'], 'text/plain;charset=UTF-8');
      }
    });
  }

  test('3.1.3 streaming: open and echo', async (t) => {
    const { d } = await start(t, '3.1.3', ['--transport', 'streaming'], {}, 'chromium');
    assert.equal((await d.waitFor('open', 20000)).transport, 'streaming');
    await echo(d, UNICODE);
  });

  test('2.3.6 long-polling', async (t) => {
    const { d } = await start(t, '2.3.6', ['--transport', 'long-polling'], {}, 'chromium');
    assert.equal((await d.waitFor('open', 20000)).transport, 'long-polling');
    await echo(d, UNICODE);
  });

  test('3.1.3 websocket reconnect after the server drops the socket', async (t) => {
    const { mock, d } = await start(t, '3.1.3', ['--reconnectInterval', '200'], {}, 'chromium');
    const open = await d.waitFor('open', 20000);
    mock.terminate(open.uuid);
    assert.equal((await d.waitFor('reopen')).uuid, open.uuid);
    await echo(d, 'after reopen');
  });
});

test('driver rejects bad arguments with a driverError line and exit code 2', async () => {
  const d = new DriverProcess(['--client', '9.9.9', '--url', 'http://127.0.0.1:1/x']);
  assert.equal(await d.exited, 2);
  assert.equal(d.events.length, 1);
  assert.equal(d.events[0].event, 'driverError');
});
