'use strict';
// The server's own phase breakdown over the measured window: two scrapes of TrackerEvents' /metrics (at the
// window's start and end), their difference per histogram (count, mean, p50/p99 interpolated within the
// buckets, as Prometheus' histogram_quantile does), and the managed allocations per change.

const PHASES = {
  commit: 'trackerevents_store_commit_seconds',
  commit_to_dispatch: 'trackerevents_commit_to_dispatch_seconds',
  feed_read: 'trackerevents_feed_read_seconds',
  dispatch_to_write: 'trackerevents_dispatch_to_write_seconds',
};

async function scrape(url) {
  try {
    const res = await fetch(new URL('/metrics', url));
    return res.ok ? parse(await res.text()) : null;
  } catch {
    return null; // a peer, or a server without the histograms: no breakdown
  }
}

function parse(text) {
  const m = { buckets: {}, sums: {}, counts: {}, values: {} };
  for (const line of text.split('\n')) {
    let g;
    if ((g = /^(\w+)_bucket\{le="([^"]+)"\} (\S+)$/.exec(line))) (m.buckets[g[1]] ??= []).push([g[2] === '+Inf' ? Infinity : Number(g[2]), Number(g[3])]);
    else if ((g = /^(\w+)_sum (\S+)$/.exec(line))) m.sums[g[1]] = Number(g[2]);
    else if ((g = /^(\w+)_count (\S+)$/.exec(line))) m.counts[g[1]] = Number(g[2]);
    else if ((g = /^(\w+) (\S+)$/.exec(line))) m.values[g[1]] = Number(g[2]);
  }
  return m;
}

function quantile(buckets, q) {
  const n = buckets[buckets.length - 1][1];
  if (n === 0) return null;
  const rank = q * n;
  let lower = 0, below = 0;
  for (const [le, cumulative] of buckets) {
    if (cumulative >= rank) return le === Infinity ? lower : lower + (le - lower) * ((rank - below) / Math.max(1, cumulative - below));
    lower = le; below = cumulative;
  }
  return lower;
}

// Per phase, in ms, over the window; plus the allocation rate. Null when either scrape failed.
function breakdown(m0, m1, changes) {
  if (!m0 || !m1) return null;
  const r1 = (v) => (v == null ? null : Number(v.toFixed(3)));
  const ms = (seconds) => (seconds == null ? null : r1(1000 * seconds));
  const out = {};
  for (const [key, name] of Object.entries(PHASES)) {
    if (!m1.buckets[name] || !m0.buckets[name]) continue;
    const diff = m1.buckets[name].map(([le, c], i) => [le, c - m0.buckets[name][i][1]]);
    const count = m1.counts[name] - m0.counts[name];
    out[key] = { count, mean_ms: count ? r1((1000 * (m1.sums[name] - m0.sums[name])) / count) : null,
      p50_ms: ms(quantile(diff, 0.5)), p99_ms: ms(quantile(diff, 0.99)) };
  }
  const allocated = m1.values.dotnet_gc_allocated_bytes_total - m0.values.dotnet_gc_allocated_bytes_total;
  if (!Number.isNaN(allocated)) out.allocated_kb_per_change = changes ? r1(allocated / 1024 / changes) : null;
  return out;
}

module.exports = { scrape, breakdown };
