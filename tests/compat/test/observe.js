'use strict';
// Prints what each real client sends on the wire, per transport, against the mock server:
// the requests (uuid and timestamps replaced by <uuid> and <ms>), and the client's callbacks.
// The README's "observations" come from this. Usage: node test/observe.js [node|chromium]

const { createMockServer } = require('../mock-server');
const { DriverProcess, sleep } = require('./driver-process');

const runtime = process.argv[2] || 'node';

function scrub(s, uuid) {
  return String(s).split(uuid).join('<uuid>').replace(/_=\d+/g, '_=<ms>').replace(/ {8,}/g, (m) => `<${m.length} spaces>`);
}

async function scenario(client, transport, extraArgs = [], mockOptions = {}) {
  const mock = createMockServer(mockOptions);
  const port = await mock.listen();
  const d = new DriverProcess(['--client', client, '--url', `http://127.0.0.1:${port}/v2/event/subscription`,
    '--runtime', runtime, '--transport', transport, '--reconnectInterval', '500', ...extraArgs]);
  const t0 = Date.now();
  let uuid = '#';
  try {
    const open = await d.waitFor('open', 20000);
    uuid = open.uuid;
    d.send({ cmd: 'push', data: 'hello' });
    await d.waitFor('message');
    if (transport === 'websocket' && !mockOptions.refuseWebSocket) {
      mock.terminate(uuid);
      await d.waitFor('reopen');
    }
    d.send({ cmd: 'unsubscribe' });
    await mock.waitFor((e) => e.kind === 'close-request');
    await sleep(700);
  } catch (e) {
    console.log('  FAILED:', e.message.split('\n')[0]);
  }
  await d.exit();
  await mock.close();

  console.log(`\n## ${client} ${transport} ${extraArgs.join(' ')} ${JSON.stringify(mockOptions)} (${runtime})`);
  const lines = [];
  for (const e of mock.log) {
    const at = String(e.ts - t0).padStart(5) + ' ms';
    if (e.kind === 'http') {
      const extra = [e.headers['content-type'] && `Content-Type: ${e.headers['content-type']}`, e.body && `body: ${e.body}`].filter(Boolean).join(', ');
      lines.push({ ts: e.ts, s: `${at}  server <- ${e.method} ${scrub(e.url, uuid)}${extra ? `   [${extra}]` : ''}` });
    } else if (e.kind === 'ws-upgrade') {
      lines.push({ ts: e.ts, s: `${at}  server <- UPGRADE ${scrub(e.url, uuid)}${e.refused ? `   -> refused ${e.refused}` : ''}` });
    } else if (e.kind === 'ws-closed') lines.push({ ts: e.ts, s: `${at}  server: websocket closed, code ${e.code}` });
  }
  for (const e of d.events) {
    if (e.event === 'ready' || e.event === 'ack' || e.event === 'exit') continue;
    const { event, ts, ...rest } = e;
    lines.push({ ts, s: `${String(ts - t0).padStart(5)} ms  client: ${event} ${scrub(JSON.stringify(rest), uuid)}` });
  }
  lines.sort((a, b) => a.ts - b.ts).forEach((l) => console.log(l.s));
}

(async () => {
  for (const client of ['2.3.6', '3.1.3']) {
    await scenario(client, 'websocket', ['--trackMessageLength', 'true', '--header', 'myheader=v 1']);
    await scenario(client, 'long-polling');
    await scenario(client, 'streaming');
    await scenario(client, 'websocket', [], { refuseWebSocket: 404 });
  }
})();
