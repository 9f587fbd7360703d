'use strict';
// The monitoring page under load: logs in to a server's demo fleet of N trackers, keeps the page open for
// --duration seconds with one tracker selected, and prints every --every seconds and at the end: the time
// to apply one state_batch in the page (from its arrival to the frame that drew it: parse, apply, draw),
// frames dropped (at 60 Hz), and the page's JavaScript heap and DOM size. Printed, not asserted.
//
// --feed server: the server's simulator moves the fleet and the batches come over the real connection
//   (end to end; on a small shared machine the server may deliver fewer changes than asked).
// --feed synthetic: the server's fleet stands still, and every second this script changes every tracker
//   (position, heading, speed, last update) and hands the page one state_batch of them in the server's
//   wire format, where atmosphere.js hands over a message: exactly N changes/s, whatever the server does.
//
//   node bench/page/page-bench.js --url http://127.0.0.1:18085 [--feed synthetic|server] [--duration 300] [--every 30]

const { chromium } = require('playwright-core');

const args = Object.fromEntries(process.argv.slice(2).reduce((pairs, arg, i, all) => {
  if (arg.startsWith('--')) pairs.push([arg.slice(2), all[i + 1]]);
  return pairs;
}, []));
const url = args.url ?? 'http://127.0.0.1:18085';
const duration = Number(args.duration ?? 300);
const every = Number(args.every ?? 30);
const feed = args.feed ?? 'synthetic';

const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];

const quantile = (sorted, q) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] : NaN);
const ms = (v) => (Number.isFinite(v) ? v.toFixed(1) : '-');
const mb = (bytes) => (bytes / 1048576).toFixed(1);

async function main() {
  const browser = await chromium.launch({ executablePath: args.chromium ?? '/usr/bin/chromium', headless: true, args: FLAGS });
  const page = await browser.newPage({ viewport: { width: 1366, height: 768 } });
  page.on('pageerror', (e) => console.error(`[page error] ${e.message}`));
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Performance.enable');
  const metrics = async () => Object.fromEntries((await cdp.send('Performance.getMetrics')).metrics.map((m) => [m.name, m.value]));

  await page.goto(url);
  await page.fill('#login', 'demo');
  await page.fill('#password', 'demo');
  await page.click('#login-button');
  await page.waitForFunction(() => window.fleetMonitor.stats.batches >= 1, null, { timeout: 60000 });
  const trackers = await page.evaluate(() => window.fleetMonitor.fleet.trackers.size);
  await page.click('.row >> nth=3');
  const feeder = feed === 'synthetic' ? await startFeed(page) : null;

  const read = () => page.evaluate(() => {
    const s = window.fleetMonitor.stats;
    return { batches: s.batches, items: s.items, frames: s.frames, dropped: s.dropped, batchMs: s.batchMs.slice() };
  });
  console.log(`page bench: ${trackers} trackers, feed ${feed}, ${duration} s, sample every ${every} s, load average ${require('os').loadavg().map((l) => l.toFixed(2)).join(' ')}`);
  console.log('   t s | batches | items/s | apply p50 ms | p99 ms | max ms | frames | dropped | JS heap MB | DOM nodes');
  let last = await read();
  const all = [];
  const started = Date.now();
  for (let t = every; t <= duration; t += every) {
    await page.waitForTimeout(started + t * 1000 - Date.now());
    const now = await read();
    const m = await metrics();
    const batches = now.batches - last.batches;
    const recent = now.batchMs.slice(-Math.min(batches, now.batchMs.length)).sort((a, b) => a - b);
    all.push(...recent);
    console.log(`${String(t).padStart(6)} | ${String(batches).padStart(7)} | ${String(Math.round((now.items - last.items) / every)).padStart(7)} | `
      + `${ms(quantile(recent, 0.5)).padStart(12)} | ${ms(quantile(recent, 0.99)).padStart(6)} | ${ms(recent[recent.length - 1]).padStart(6)} | `
      + `${String(now.frames - last.frames).padStart(6)} | ${String(now.dropped - last.dropped).padStart(7)} | ${mb(m.JSHeapUsedSize).padStart(10)} | ${m.Nodes}`);
    last = now;
  }
  if (feeder) clearInterval(feeder);
  await cdp.send('HeapProfiler.collectGarbage');
  const end = await metrics();
  all.sort((a, b) => a - b);
  const total = await read();
  console.log(`summary: ${total.batches} batches, ${total.items} items; apply one batch p50 ${ms(quantile(all, 0.5))} ms, `
    + `p99 ${ms(quantile(all, 0.99))} ms, max ${ms(all[all.length - 1])} ms; frames ${total.frames}, dropped ${total.dropped} `
    + `(${((100 * total.dropped) / (total.frames + total.dropped)).toFixed(1)} %); after ${duration} s: JS heap ${mb(end.JSHeapUsedSize)} MB `
    + `after GC (of ${mb(end.JSHeapTotalSize)} MB), ${end.Nodes} DOM nodes, ${end.JSEventListeners} listeners; `
    + `load average ${require('os').loadavg().map((l) => l.toFixed(2)).join(' ')}`);
  await browser.close();
}

/** Every second, one state_batch that changes every tracker, built here and handed to the page as text. */
async function startFeed(page) {
  const states = await page.evaluate(() => [...window.fleetMonitor.fleet.trackers.values()].map((t) => t.state).filter(Boolean));
  let busy = false;
  return setInterval(async () => {
    if (busy) return; // the page is still on the previous one: a skipped second shows as fewer items/s
    busy = true;
    const now = new Date().toISOString();
    for (const state of states) {
      const gps = state.gps;
      gps.heading = (gps.heading + Math.round(Math.random() * 60 - 30) + 360) % 360;
      gps.speed = Math.round(Math.random() * 80);
      gps.location.lat += Math.cos((gps.heading * Math.PI) / 180) * 0.0002;
      gps.location.lng += Math.sin((gps.heading * Math.PI) / 180) * 0.0003;
      state.movement_status = gps.speed > 0 ? 'moving' : 'parked';
      state.last_update = gps.updated = now;
    }
    const text = JSON.stringify({ type: 'event', event: 'state_batch', user_time: now, data: states.map((state) => ({ type: 'source_state_event', state })) });
    await page.evaluate((t) => window.fleetMonitor.receive(t), text).catch(() => {});
    busy = false;
  }, 1000);
}

main().catch((e) => { console.error(e); process.exit(1); });
