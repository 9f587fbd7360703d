#!/usr/bin/env node
'use strict';
// Drives one real atmosphere.js client for the C# compatibility tests.
//
//   node client.js --client 2.3.6|3.1.3 --url http://127.0.0.1:PORT/v2/event/subscription
//                  [--transport websocket|long-polling|streaming] [--trackMessageLength true]
//                  [--runtime auto|node|chromium] [--<any atmosphere request option> value] ...
//
// stdout: one JSON object per line per client callback ({"event":"open",...,"ts":...}).
// stdin:  one JSON command per line ({"cmd":"push","data":"..."}, unsubscribe, close, exit).
// stderr: the library's and the harness's own logging. See README.md for the full protocol.

const readline = require('readline');
const { parseArgs } = require('./lib/options');

// Nothing but event lines may reach stdout: route every console method to stderr.
for (const m of ['log', 'info', 'debug', 'warn', 'trace']) console[m] = console.error.bind(console);

function emit(obj) {
  // Writes to a pipe are synchronous on Linux, so lines never interleave or get lost on exit.
  process.stdout.write(JSON.stringify({ ...obj, ts: obj.ts ?? Date.now() }) + '\n');
}

// Both clients work in Node for websocket, long-polling and streaming, so 'auto' means Node:
// no browser needed, fast start. Chromium is opt-in, for what only a browser does (README).
function pickRuntime(driver) {
  return driver.runtime === 'auto' ? 'node' : driver.runtime;
}

async function main() {
  let args;
  try {
    args = parseArgs(process.argv.slice(2));
  } catch (e) {
    emit({ event: 'driverError', message: e.message });
    process.exit(2);
  }
  const { driver, request } = args;
  const runtimeName = pickRuntime(driver);
  const runtime = require(runtimeName === 'chromium' ? './lib/chromium-runtime' : './lib/node-runtime');

  let session;
  try {
    session = await runtime.open(driver, request, emit);
  } catch (e) {
    emit({ event: 'driverError', message: `cannot start ${runtimeName} runtime: ${e.message}` });
    process.exit(3);
  }

  let exiting = false;
  async function exit(code) {
    if (exiting) return;
    exiting = true;
    try {
      await session.shutdown();
    } catch (e) {
      console.error('shutdown failed:', e);
    }
    emit({ event: 'exit' });
    process.exit(code);
  }

  const lines = readline.createInterface({ input: process.stdin, terminal: false });
  lines.on('line', async (line) => {
    if (!line.trim()) return;
    let cmd;
    try {
      cmd = JSON.parse(line);
    } catch (e) {
      return emit({ event: 'driverError', message: `bad command line: ${e.message}` });
    }
    if (cmd.cmd === 'exit') return exit(0);
    try {
      const result = await session.exec(cmd);
      emit({ event: 'ack', cmd: cmd.cmd, ...(result || {}) });
    } catch (e) {
      emit({ event: 'driverError', cmd: cmd.cmd, message: e.message });
    }
  });
  lines.on('close', () => {
    if (driver.exitOnStdinEnd) exit(0);
  });
  process.on('SIGTERM', () => exit(0));
  process.on('SIGINT', () => exit(0));
}

main();
