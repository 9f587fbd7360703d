// Country outlines (world-atlas, Natural Earth 1:50m) as projected rings, drawn clipped to the view: a
// continent drawn whole at street zoom would cost the canvas ~100 ms, its visible part a millisecond.
import { project } from './projection.js';

/** A ring or line of world positions at zoom 0 (x, y, x, y, ...) with its bounding box. */
function shape(coordinates) {
  const points = new Float64Array(coordinates.length * 2);
  let minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity;
  coordinates.forEach(([lng, lat], i) => {
    const p = project(lat, lng);
    points[2 * i] = p.x;
    points[2 * i + 1] = p.y;
    minX = Math.min(minX, p.x); maxX = Math.max(maxX, p.x);
    minY = Math.min(minY, p.y); maxY = Math.max(maxY, p.y);
  });
  return { points, minX, minY, maxX, maxY };
}

/** The rings of (Multi)Polygons and the parts of (Multi)LineStrings of a GeoJSON geometry. */
export function shapesOf(geometry, out = []) {
  switch (geometry.type) {
    case 'Polygon': case 'MultiLineString': geometry.coordinates.forEach((c) => out.push(shape(c))); break;
    case 'MultiPolygon': geometry.coordinates.forEach((p) => p.forEach((c) => out.push(shape(c)))); break;
    case 'LineString': out.push(shape(geometry.coordinates)); break;
    case 'GeometryCollection': geometry.geometries.forEach((g) => shapesOf(g, out)); break;
    default: break;
  }
  return out;
}

const meets = (s, r) => s.maxX >= r.minX && s.minX <= r.maxX && s.maxY >= r.minY && s.minY <= r.maxY;
const within = (s, r) => s.minX >= r.minX && s.maxX <= r.maxX && s.minY >= r.minY && s.maxY <= r.maxY;

/** Sutherland–Hodgman: a ring clipped to a rectangle, one edge of it at a time. */
function clipRing(points, r) {
  let ring = points;
  const edges = [
    [(x) => x >= r.minX, (ax, ay, bx, by) => [r.minX, ay + ((by - ay) * (r.minX - ax)) / (bx - ax)], 0],
    [(x) => x <= r.maxX, (ax, ay, bx, by) => [r.maxX, ay + ((by - ay) * (r.maxX - ax)) / (bx - ax)], 0],
    [(y) => y >= r.minY, (ax, ay, bx, by) => [ax + ((bx - ax) * (r.minY - ay)) / (by - ay), r.minY], 1],
    [(y) => y <= r.maxY, (ax, ay, bx, by) => [ax + ((bx - ax) * (r.maxY - ay)) / (by - ay), r.maxY], 1],
  ];
  for (const [inside, cross, axis] of edges) {
    const out = [];
    const n = ring.length / 2;
    for (let i = 0; i < n; i++) {
      const ax = ring[2 * ((i + n - 1) % n)], ay = ring[2 * ((i + n - 1) % n) + 1];
      const bx = ring[2 * i], by = ring[2 * i + 1];
      const aIn = inside(axis ? ay : ax), bIn = inside(axis ? by : bx);
      if (bIn) {
        if (!aIn) out.push(...cross(ax, ay, bx, by));
        out.push(bx, by);
      } else if (aIn) {
        out.push(...cross(ax, ay, bx, by));
      }
    }
    ring = out;
    if (ring.length === 0) break;
  }
  return ring;
}

/**
 * The land (filled, clipped) and the borders (segments that meet the view) of the view `rect` (world
 * positions), as one Path2D each in screen pixels, `toScreen` mapping a world position to the screen.
 */
export function outlinePaths(land, borders, rect, toScreen) {
  const landPath = new Path2D();
  for (const ring of land) {
    if (!meets(ring, rect)) continue;
    const clipped = within(ring, rect) ? ring.points : clipRing(ring.points, rect);
    for (let i = 0; i < clipped.length; i += 2) {
      const [x, y] = toScreen(clipped[i], clipped[i + 1]);
      if (i === 0) landPath.moveTo(x, y);
      else landPath.lineTo(x, y);
    }
    landPath.closePath();
  }
  const borderPath = new Path2D();
  for (const line of borders) {
    if (!meets(line, rect)) continue;
    const p = line.points;
    let drawing = false;
    for (let i = 2; i < p.length; i += 2) {
      const segment = { minX: Math.min(p[i - 2], p[i]), maxX: Math.max(p[i - 2], p[i]), minY: Math.min(p[i - 1], p[i + 1]), maxY: Math.max(p[i - 1], p[i + 1]) };
      if (!meets(segment, rect)) { drawing = false; continue; }
      if (!drawing) borderPath.moveTo(...toScreen(p[i - 2], p[i - 1]));
      borderPath.lineTo(...toScreen(p[i], p[i + 1]));
      drawing = true;
    }
  }
  return { landPath, borderPath };
}
