'use strict';
// Summary of a --frames file (bench.js): for each traced connection the time between its messages and the
// age of the newest and oldest stamp in each at arrival. A state_batch stream under steady changes should
// show one message per rate_limit; a gap of two means a skipped frame.
//   node bench/load/frames.js <file> [rate-limit ms, default 1000]
const fs = require('node:fs');

const [file, rate = '1000'] = process.argv.slice(2);
if (!file) { console.error('usage: node frames.js <frames file> [rate-limit ms]'); process.exit(2); }
const period = Number(rate);
const byConn = new Map();
for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
  const [conn, arrival, bytes, newest, oldest] = line.split(' ').map(Number);
  if (!Number.isFinite(arrival)) continue;
  if (!byConn.has(conn)) byConn.set(conn, []);
  byConn.get(conn).push({ arrival, bytes, newest, oldest });
}
const gaps = [];
const newest = [];
const oldest = [];
const bytes = [];
let frames = 0;
for (const list of byConn.values()) {
  list.sort((x, y) => x.arrival - y.arrival);
  list.forEach((f, i) => {
    frames++;
    if (i > 0) gaps.push(f.arrival - list[i - 1].arrival);
    newest.push(f.newest);
    oldest.push(f.oldest);
    bytes.push(f.bytes);
  });
}
const sorted = (a) => [...a].sort((x, y) => x - y);
const q = (s, p) => (s.length ? s[Math.min(s.length - 1, Math.floor(p * s.length))] : NaN); // s sorted
const row = (name, values) => {
  const s = sorted(values);
  const at = (p) => q(s, p).toFixed(0).padStart(6);
  console.log(`${name.padEnd(24)} p1 ${at(0.01)}  p10 ${at(0.1)}  p50 ${at(0.5)}  p90 ${at(0.9)}  p99 ${at(0.99)}  max ${(s.length ? s[s.length - 1] : NaN).toFixed(0).padStart(6)}`);
};
console.log(`${byConn.size} connections, ${frames} messages, median ${(q(sorted(bytes), 0.5) / 1e6).toFixed(2)} MB`);
row('between messages, ms', gaps);
row('newest stamp age, ms', newest);
row('oldest stamp age, ms', oldest);
const skipped = gaps.filter((g) => g > 1.5 * period).length;
console.log(`gaps over 1.5 rate limits: ${skipped} of ${gaps.length} (${(100 * skipped / Math.max(1, gaps.length)).toFixed(1)} %)`);
