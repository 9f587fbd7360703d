'use strict';
// Runs atmosphere.js in this Node process through the npm package's own Node wrapper (index.js),
// which builds a fake `window` from `ws`, `xmlhttprequest` and `eventsource`.

const os = require('os');
const { Console } = require('console');
const atmosphereBridge = require('./bridge');

// node-XMLHttpRequest 1.8.0 differs from browsers in one way that matters here: after abort()
// the underlying http request emits 'error' ("socket hang up"), and the shim then fires
// onerror. atmosphere.js's onerror does not check its "closing" flag, so after unsubscribe()
// a long-polling/streaming client schedules one more poll with the old tracking id, which no
// browser does. We drop errors that arrive after abort(); --rawNodeXhr true keeps the old shim.
function browserLikeXhr(Base) {
  return function XMLHttpRequest() {
    Base.call(this);
    const abort = this.abort;
    const handleError = this.handleError;
    let aborted = false;
    this.abort = function () {
      aborted = true;
      return abort.apply(this, arguments);
    };
    this.handleError = function () {
      if (!aborted) return handleError.apply(this, arguments);
    };
  };
}

function loadAtmosphere(driver) {
  const atmosphere = require(`atmosphere-${driver.client}`);
  // index.js only fills `window` when none exists, and its window has no `console`, so the
  // library would log nothing. We add a console that writes to stderr, never stdout.
  global.window.console = new Console({ stdout: process.stderr, stderr: process.stderr });
  if (!driver.rawNodeXhr) global.window.XMLHttpRequest = browserLikeXhr(global.window.XMLHttpRequest);
  return atmosphere;
}

async function open(driver, request, emit) {
  const atmosphere = loadAtmosphere(driver);

  // node-XMLHttpRequest runs synchronous requests (2.3.6's close request) through a child
  // process and temp files named after our pid in the current directory; keep them out of the repo.
  process.chdir(os.tmpdir());

  // An error thrown inside a socket callback (e.g. 'message length "..." is not a number')
  // would kill Node; a browser only logs it and goes on, so we do the same and report it.
  process.on('uncaughtException', (e) => emit({ event: 'uncaughtError', message: String(e && e.message) }));

  let bridge = null;
  const subscribe = () => {
    bridge = atmosphereBridge(atmosphere, request, emit);
  };
  emit({ event: 'ready', client: driver.client, version: atmosphere.version, runtime: 'node', request });
  if (driver.autoSubscribe) subscribe();

  return {
    async exec(cmd) {
      if (cmd.cmd === 'subscribe') return subscribe();
      if (!bridge) throw new Error('not subscribed');
      switch (cmd.cmd) {
        case 'push':
          return bridge.push(cmd.data);
        case 'unsubscribe':
          return bridge.unsubscribe();
        case 'close':
          return bridge.close();
        case 'uuid':
          return { uuid: bridge.uuid() };
        default:
          throw new Error(`unknown cmd ${cmd.cmd}`);
      }
    },
    async shutdown() {},
  };
}

module.exports = { open };
