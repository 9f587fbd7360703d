'use strict';
// Runs atmosphere.js inside headless Chromium (Debian's /usr/bin/chromium, driven by playwright-core).
//
// Same-origin without a proxy: the page is "loaded" from the target server's own origin, but its
// HTML is supplied by Playwright's request interception (page.route + route.fulfill), so the
// C# server never sees that request. Once the page is up the route is removed, so every XHR,
// sendBeacon and WebSocket of the client goes straight to the server, same-origin, no CORS and
// no interception in the way.

const fs = require('fs');
const path = require('path');

const LAUNCH_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-features=LocalNetworkAccessChecks',
];

const PAGE_PATH = '/__atmosphere-compat__/index.html';

async function open(driver, request, emit) {
  // playwright-core never downloads a browser; we point it at the system Chromium.
  const { chromium } = require('playwright-core');
  if (!fs.existsSync(driver.chromium)) throw new Error(`${driver.chromium} not found (apt-get install chromium)`);

  const origin = new URL(request.url).origin;
  const pageUrl = origin + PAGE_PATH;
  const libFile = require.resolve(`atmosphere-${driver.client}/lib/atmosphere.js`);

  const browser = await chromium.launch({ executablePath: driver.chromium, headless: true, args: LAUNCH_ARGS });
  const page = await browser.newPage();

  // Page callbacks keep their own timestamp: the moment the callback ran in the page.
  await page.exposeFunction('__compatEmit', (obj) => emit(obj));
  page.on('console', (m) => process.stderr.write(`[page ${m.type()}] ${m.text()}\n`));
  page.on('pageerror', (e) => emit({ event: 'uncaughtError', message: String(e && e.message) }));
  if (driver.logNetwork) {
    page.on('request', (r) => process.stderr.write(`[page request] ${r.method()} ${r.url()}\n`));
    page.on('websocket', (ws) => process.stderr.write(`[page websocket] ${ws.url()}\n`));
  }

  await page.route(pageUrl, (route) =>
    route.fulfill({ status: 200, contentType: 'text/html; charset=utf-8', body: '<!doctype html><meta charset="utf-8"><title>atmosphere compat</title><link rel="icon" href="data:,">' }),
  );
  await page.goto(pageUrl);
  await page.unrouteAll();

  await page.addScriptTag({ path: libFile });
  await page.addScriptTag({ path: path.join(__dirname, 'bridge.js') });
  const version = await page.evaluate((req) => {
    const emitFromPage = (obj) => window.__compatEmit({ ...obj, ts: Date.now() });
    window.__compat = {
      request: req,
      bridge: null,
      subscribe() {
        this.bridge = window.atmosphereBridge(window.atmosphere, this.request, emitFromPage);
      },
    };
    return window.atmosphere.version;
  }, request);

  emit({ event: 'ready', client: driver.client, version, runtime: 'chromium', browser: browser.version(), request });
  if (driver.autoSubscribe) await page.evaluate(() => window.__compat.subscribe());

  return {
    async exec(cmd) {
      return page.evaluate((c) => {
        const x = window.__compat;
        if (c.cmd === 'subscribe') return void x.subscribe();
        if (!x.bridge) throw new Error('not subscribed');
        switch (c.cmd) {
          case 'push':
            return void x.bridge.push(c.data);
          case 'unsubscribe':
            return void x.bridge.unsubscribe();
          case 'close':
            return void x.bridge.close();
          case 'uuid':
            return { uuid: x.bridge.uuid() };
          default:
            throw new Error('unknown cmd ' + c.cmd);
        }
      }, cmd);
    },
    async shutdown() {
      // Like a crashed tab, not a closed one: no unload handlers run, so no close request.
      await browser.close();
    },
  };
}

module.exports = { open };
