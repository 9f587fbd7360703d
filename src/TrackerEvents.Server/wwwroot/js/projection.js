// Web Mercator, in the units of map tiles: the world is 256 × 256 at zoom 0 and doubles at each zoom.

export const TILE = 256;
const MAX_LAT = 85.0511287798;

/** World position of a latitude and longitude at zoom 0. */
export function project(lat, lng) {
  const φ = (Math.max(-MAX_LAT, Math.min(MAX_LAT, lat)) * Math.PI) / 180;
  return {
    x: ((lng + 180) / 360) * TILE,
    y: ((1 - Math.log(Math.tan(φ) + 1 / Math.cos(φ)) / Math.PI) / 2) * TILE,
  };
}

/** The zoom at which `box` (world positions at zoom 0) fills width × height pixels less a padding. */
export function fitZoom(box, width, height, padding, maxZoom) {
  const w = Math.max(box.maxX - box.minX, 1e-9);
  const h = Math.max(box.maxY - box.minY, 1e-9);
  const zoom = Math.log2(Math.min((width - 2 * padding) / w, (height - 2 * padding) / h));
  return Math.max(1, Math.min(maxZoom, zoom));
}
