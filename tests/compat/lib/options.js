'use strict';
// Command line -> { driver, request }.
// Driver options are consumed here; every other --name value pair becomes a field of the
// atmosphere.subscribe() request, so any client option can be set without touching this file.

const CLIENTS = ['2.3.6', '3.1.3'];

// Options of the harness itself, not of atmosphere.js.
const DRIVER_DEFAULTS = {
  client: null, // '2.3.6' | '3.1.3' (npm versions; 2.3.6 reports itself as 2.3.3-javascript)
  runtime: 'auto', // 'node' | 'chromium' | 'auto' (see README: which combination runs where)
  autoSubscribe: true, // false: wait for {"cmd":"subscribe"}
  exitOnStdinEnd: true, // a closed stdin means the test process is gone
  chromium: '/usr/bin/chromium',
  logNetwork: false, // chromium: log every page request to stderr
  rawNodeXhr: false, // true: node-XMLHttpRequest as shipped (extra poll after unsubscribe)
};

// The Navixy API documentation's WebSocket sample options, except logLevel: 'info' keeps stderr short.
const REQUEST_DEFAULTS = {
  contentType: 'application/json',
  logLevel: 'info',
  transport: 'websocket',
  trackMessageLength: false,
  reconnectInterval: 2000,
};

function coerce(value) {
  if (value === 'true') return true;
  if (value === 'false') return false;
  if (value === 'null') return null;
  if (/^-?\d+(\.\d+)?$/.test(value)) return Number(value);
  return value;
}

function setPath(obj, dotted, value) {
  const keys = dotted.split('.');
  let o = obj;
  for (const k of keys.slice(0, -1)) o = o[k] = typeof o[k] === 'object' && o[k] !== null ? o[k] : {};
  o[keys[keys.length - 1]] = value;
}

function parseArgs(argv) {
  const driver = { ...DRIVER_DEFAULTS };
  const request = { ...REQUEST_DEFAULTS };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (!arg.startsWith('--')) throw new Error(`unexpected argument: ${arg}`);
    let name = arg.slice(2);
    let value;
    const eq = name.indexOf('=');
    if (eq > 0) {
      value = name.slice(eq + 1);
      name = name.slice(0, eq);
    } else {
      if (i + 1 >= argv.length) throw new Error(`missing value for --${name}`);
      value = argv[++i];
    }

    if (name in DRIVER_DEFAULTS) driver[name] = name === 'client' ? value : coerce(value);
    else if (name === 'header') {
      // --header name=value, repeatable: request.headers, sent as query parameters
      const j = value.indexOf('=');
      if (j <= 0) throw new Error(`--header wants name=value, got ${value}`);
      request.headers = { ...request.headers, [value.slice(0, j)]: value.slice(j + 1) };
    } else if (name === 'heartbeatServer') {
      request.heartbeat = { client: null, ...request.heartbeat, server: coerce(value) };
    } else if (name === 'request') {
      Object.assign(request, JSON.parse(value)); // raw JSON for anything awkward on a command line
    } else if (name === 'url' || name === 'contentType' || name === 'uuid') {
      request[name] = value; // always strings
    } else setPath(request, name, coerce(value));
  }

  if (!CLIENTS.includes(driver.client)) throw new Error(`--client must be one of ${CLIENTS.join(', ')}`);
  if (!request.url) throw new Error('--url is required');
  if (!['auto', 'node', 'chromium'].includes(driver.runtime)) throw new Error('--runtime must be auto, node or chromium');
  return { driver, request };
}

module.exports = { parseArgs, CLIENTS, REQUEST_DEFAULTS };
