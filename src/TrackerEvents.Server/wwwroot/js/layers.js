// What the map draws: the ground (tiles from Page:TileUrl, over the vendored country outlines), then the
// selected tracker's trail and one marker per tracker. The ground is drawn into its own canvas and reused
// until the view moves, so a batch of changes redraws only the markers.
import { outlinePaths, shapesOf } from './outlines.js';
import { TILE, project } from './projection.js';

const MAX_TILES = 256;

export class Ground {
  constructor(config, onLoaded) {
    this.tileUrl = config.tile_url;
    this.maxZoom = config.tile_max_zoom ?? 19;
    this.onLoaded = onLoaded;
    this.tiles = new Map();
    this.land = null;
    this.borders = null;
    this.canvas = document.createElement('canvas');
    this.key = '';
  }

  /** Country outlines from the vendored world-atlas (Natural Earth 1:50m), decoded by topojson-client. */
  async loadOutlines(url) {
    const world = await (await fetch(url)).json();
    const { feature, mesh } = window.topojson;
    this.land = [];
    for (const f of feature(world, world.objects.land).features) shapesOf(f.geometry, this.land);
    this.borders = shapesOf(mesh(world, world.objects.countries, (a, b) => a !== b));
    this.key = '';
    this.onLoaded();
  }

  /**
   * The ground for this view, redrawn only when the view (or the theme, or a tile) changed. Tiles only once
   * `placed` (the view fitted to the fleet, or moved by the user): not the world's tiles of the first frames.
   */
  draw(view, colors, ratio, placed) {
    const { width, height } = view;
    const key = `${view.x},${view.y},${view.zoom},${width},${height},${ratio},${colors.key},${placed}`;
    if (key === this.key) return this.canvas;
    this.key = key;
    const canvas = this.canvas;
    canvas.width = Math.round(width * ratio);
    canvas.height = Math.round(height * ratio);
    const ctx = canvas.getContext('2d');
    ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
    ctx.fillStyle = colors.water;
    ctx.fillRect(0, 0, width, height);
    const scale = 2 ** view.zoom;
    if (this.land) {
      const margin = 8 / scale; // the clip's own edges stay off screen
      const rect = {
        minX: view.x - width / 2 / scale - margin, maxX: view.x + width / 2 / scale + margin,
        minY: view.y - height / 2 / scale - margin, maxY: view.y + height / 2 / scale + margin,
      };
      const toScreen = (x, y) => [(x - view.x) * scale + width / 2, (y - view.y) * scale + height / 2];
      const { landPath, borderPath } = outlinePaths(this.land, this.borders, rect, toScreen);
      ctx.fillStyle = colors.land;
      ctx.fill(landPath);
      ctx.lineWidth = 1;
      ctx.strokeStyle = colors.border;
      ctx.stroke(landPath);
      ctx.setLineDash([3, 3]);
      ctx.stroke(borderPath);
      ctx.setLineDash([]);
    }
    if (this.tileUrl && placed) this.drawTiles(ctx, view);
    return canvas;
  }

  drawTiles(ctx, view) {
    const z = Math.max(0, Math.min(this.maxZoom, Math.round(view.zoom)));
    const size = TILE * 2 ** (view.zoom - z);
    const count = 2 ** z;
    const left = view.x * 2 ** view.zoom - view.width / 2;
    const top = view.y * 2 ** view.zoom - view.height / 2;
    for (let ty = Math.floor(top / size); ty <= Math.floor((top + view.height) / size); ty++) {
      if (ty < 0 || ty >= count) continue;
      for (let tx = Math.floor(left / size); tx <= Math.floor((left + view.width) / size); tx++) {
        const image = this.tile(z, ((tx % count) + count) % count, ty);
        if (image.complete && image.naturalWidth > 0) ctx.drawImage(image, tx * size - left, ty * size - top, size + 0.5, size + 0.5);
      }
    }
  }

  tile(z, x, y) {
    const url = this.tileUrl.replace('{z}', z).replace('{x}', x).replace('{y}', y);
    let image = this.tiles.get(url);
    if (image) {
      this.tiles.delete(url); // most recently used last
    } else {
      image = new Image();
      image.onload = () => { this.key = ''; this.onLoaded(); };
      image.src = url;
      if (this.tiles.size >= MAX_TILES) this.tiles.delete(this.tiles.keys().next().value);
    }
    this.tiles.set(url, image);
    return image;
  }
}

/** The selected tracker's trail since the page opened, then a marker per tracker: an arrow when it moves. */
export function drawTrackers(ctx, view, trackers, selected, colors, statusOf) {
  const scale = 2 ** view.zoom;
  const toScreen = (lat, lng) => {
    const p = project(lat, lng);
    return [(p.x - view.x) * scale + view.width / 2, (p.y - view.y) * scale + view.height / 2];
  };
  if (selected && selected.trail.length >= 4) {
    ctx.beginPath();
    for (let i = 0; i < selected.trail.length; i += 2) {
      const [x, y] = toScreen(selected.trail[i], selected.trail[i + 1]);
      if (i === 0) ctx.moveTo(x, y);
      else ctx.lineTo(x, y);
    }
    ctx.strokeStyle = colors.accent;
    ctx.lineWidth = 2.5;
    ctx.lineJoin = 'round';
    ctx.stroke();
  }
  const placed = [];
  ctx.lineWidth = 1;
  ctx.strokeStyle = colors.surface;
  for (const tracker of trackers) {
    if (tracker.lat == null) continue;
    const [x, y] = toScreen(tracker.lat, tracker.lng);
    if (x < -10 || y < -10 || x > view.width + 10 || y > view.height + 10) continue;
    placed.push({ tracker, x, y });
    ctx.fillStyle = colors[statusOf(tracker)] ?? colors.unknown;
    marker(ctx, x, y, tracker, tracker === selected ? 1.6 : 1);
  }
  if (selected && selected.lat != null) {
    const [x, y] = toScreen(selected.lat, selected.lng);
    ctx.beginPath();
    ctx.arc(x, y, 13, 0, 2 * Math.PI);
    ctx.strokeStyle = colors.accent;
    ctx.lineWidth = 2;
    ctx.stroke();
    ctx.fillStyle = colors.text;
    ctx.font = '600 12px system-ui, sans-serif';
    ctx.fillText(selected.label, x + 16, y + 4);
  }
  return placed;
}

function marker(ctx, x, y, tracker, size) {
  const moving = tracker.state?.movement_status === 'moving' && tracker.heading != null;
  ctx.beginPath();
  if (moving) {
    const a = (tracker.heading * Math.PI) / 180;
    const point = (r, angle) => [x + r * size * Math.sin(a + angle), y - r * size * Math.cos(a + angle)];
    ctx.moveTo(...point(9, 0));
    ctx.lineTo(...point(7, 2.5));
    ctx.lineTo(...point(3, Math.PI));
    ctx.lineTo(...point(7, -2.5));
    ctx.closePath();
  } else {
    ctx.arc(x, y, 5 * size, 0, 2 * Math.PI);
  }
  ctx.fill();
  ctx.stroke();
}
