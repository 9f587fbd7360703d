'use strict';
// Latency histogram of the load tool: 0.1 ms buckets below 1 s, 10 ms buckets from 1 s to 120 s, one
// overflow bucket. Workers record into one and send it packed; the coordinator merges them.

const FINE = 10000; // 0..1000 ms by 0.1
const COARSE = 11900; // 1 s..120 s by 10 ms
function newHistogram() { return { counts: new Array(FINE + COARSE + 1).fill(0), n: 0, max: 0, sum: 0 }; }
function record(h, ms) {
  if (ms < 0) ms = 0;
  let b = ms < 1000 ? Math.floor(ms * 10) : FINE + Math.min(COARSE, Math.floor((ms - 1000) / 10));
  h.counts[b]++;
  h.n++;
  h.sum += ms;
  if (ms > h.max) h.max = ms;
}
function mergeHistogram(into, h) {
  for (let i = 0; i < into.counts.length; i++) into.counts[i] += h.counts[i];
  into.n += h.n; into.sum += h.sum; into.max = Math.max(into.max, h.max);
}
function bucketValue(b) { return b < FINE ? (b + 0.5) / 10 : 1000 + (b - FINE + 0.5) * 10; }
function percentile(h, p) {
  if (h.n === 0) return null;
  const rank = Math.ceil(h.n * p);
  let seen = 0;
  for (let b = 0; b < h.counts.length; b++) { seen += h.counts[b]; if (seen >= rank) return Math.min(bucketValue(b), h.max); }
  return h.max;
}
// Sparse form for IPC (most buckets are empty).
function packHistogram(h) { const nz = []; h.counts.forEach((c, i) => { if (c) nz.push(i, c); }); return { nz, n: h.n, max: h.max, sum: h.sum }; }
function unpackHistogram(p) { const h = newHistogram(); for (let i = 0; i < p.nz.length; i += 2) h.counts[p.nz[i]] = p.nz[i + 1]; h.n = p.n; h.max = p.max; h.sum = p.sum; return h; }

module.exports = { newHistogram, record, mergeHistogram, percentile, packHistogram, unpackHistogram };
