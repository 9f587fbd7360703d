// The map: a canvas with the fleet on Web Mercator. Drag to pan, wheel or +/− to zoom, click a marker to
// select its tracker; the arrow keys pan and +/− zoom when the map has the focus.
import { Ground, drawTrackers } from './layers.js';
import { fitZoom, project } from './projection.js';
import { STATUSES, statusOf } from './format.js';

const MAX_FIT_ZOOM = 16;
const CLICK_SLOP = 4;

export class FleetMap {
  constructor(canvas, fleet, config, onSelect) {
    this.canvas = canvas;
    this.fleet = fleet;
    this.onSelect = onSelect;
    this.view = { x: 128, y: 128, zoom: 1, width: 0, height: 0 };
    this.selected = null;
    this.placed = [];
    this.drawnFor = -1;
    this.dirty = true;
    this.fitted = false;
    this.ground = new Ground(config, () => { this.dirty = true; });
    this.readColors();
    matchMedia('(prefers-color-scheme: dark)').addEventListener('change', () => { this.readColors(); this.dirty = true; });
    new ResizeObserver(() => { this.dirty = true; }).observe(canvas);
    this.listen();
  }

  readColors() {
    const style = getComputedStyle(document.documentElement);
    const get = (name) => style.getPropertyValue(`--${name}`).trim();
    this.colors = { water: get('water'), land: get('land'), border: get('border'), accent: get('accent'), text: get('text'), surface: get('surface') };
    for (const status of STATUSES) this.colors[status] = get(status) || get('offline');
    this.colors.key = Object.values(this.colors).join();
  }

  select(tracker) {
    this.selected = tracker;
    this.dirty = true;
  }

  /** Shows every tracker that has a position. */
  fit() {
    const points = [...this.fleet.trackers.values()].filter((t) => t.lat != null).map((t) => project(t.lat, t.lng));
    if (points.length === 0 || this.view.width === 0) return false;
    const box = { minX: Infinity, minY: Infinity, maxX: -Infinity, maxY: -Infinity };
    for (const p of points) {
      box.minX = Math.min(box.minX, p.x); box.maxX = Math.max(box.maxX, p.x);
      box.minY = Math.min(box.minY, p.y); box.maxY = Math.max(box.maxY, p.y);
    }
    const zoom = points.length === 1 ? 14 : fitZoom(box, this.view.width, this.view.height, 30, MAX_FIT_ZOOM);
    Object.assign(this.view, { x: (box.minX + box.maxX) / 2, y: (box.minY + box.maxY) / 2, zoom });
    this.dirty = true;
    this.fitted = true;
    return true;
  }

  zoomBy(delta, at = { x: this.view.width / 2, y: this.view.height / 2 }) {
    const view = this.view;
    this.fitted = true; // the user has taken the view over
    const before = 2 ** view.zoom;
    view.zoom = Math.max(1, Math.min(19, view.zoom + delta));
    const after = 2 ** view.zoom;
    // keep the world point under `at` where it is
    view.x += (at.x - view.width / 2) * (1 / before - 1 / after);
    view.y += (at.y - view.height / 2) * (1 / before - 1 / after);
    this.dirty = true;
  }

  panBy(dx, dy) {
    const scale = 2 ** this.view.zoom;
    this.fitted = true;
    this.view.x -= dx / scale;
    this.view.y -= dy / scale;
    this.dirty = true;
  }

  /** Screen position (CSS pixels, relative to the canvas) of a latitude and longitude. */
  screenPoint(lat, lng) {
    const p = project(lat, lng);
    const scale = 2 ** this.view.zoom;
    return { x: (p.x - this.view.x) * scale + this.view.width / 2, y: (p.y - this.view.y) * scale + this.view.height / 2 };
  }

  /** The tracker whose marker is nearest to a point, within a finger's reach. */
  trackerAt(x, y) {
    let best = null;
    let bestDistance = 14 * 14;
    for (const p of this.placed) {
      const d = (p.x - x) ** 2 + (p.y - y) ** 2;
      if (d < bestDistance) { best = p.tracker; bestDistance = d; }
    }
    return best;
  }

  render() {
    const rect = this.canvas.getBoundingClientRect();
    const ratio = window.devicePixelRatio || 1;
    if (rect.width !== this.view.width || rect.height !== this.view.height) {
      this.view.width = rect.width;
      this.view.height = rect.height;
      this.canvas.width = Math.round(rect.width * ratio);
      this.canvas.height = Math.round(rect.height * ratio);
      this.dirty = true;
    }
    if (!this.fitted && this.fit()) this.dirty = true;
    if (!this.dirty && this.drawnFor === this.fleet.version) return;
    this.dirty = false;
    this.drawnFor = this.fleet.version;
    const ctx = this.canvas.getContext('2d');
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.drawImage(this.ground.draw(this.view, this.colors, ratio, this.fitted), 0, 0);
    ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
    this.placed = drawTrackers(ctx, this.view, this.fleet.trackers.values(), this.selected, this.colors, statusOf);
  }

  listen() {
    const canvas = this.canvas;
    let drag = null;
    canvas.addEventListener('pointerdown', (e) => {
      drag = { x: e.clientX, y: e.clientY, moved: false };
      canvas.setPointerCapture(e.pointerId);
    });
    canvas.addEventListener('pointermove', (e) => {
      if (!drag) return;
      const dx = e.clientX - drag.x;
      const dy = e.clientY - drag.y;
      if (!drag.moved && Math.hypot(dx, dy) < CLICK_SLOP) return;
      drag.moved = true;
      this.panBy(dx, dy);
      drag.x = e.clientX;
      drag.y = e.clientY;
    });
    canvas.addEventListener('pointerup', (e) => {
      if (drag && !drag.moved) {
        const rect = canvas.getBoundingClientRect();
        const tracker = this.trackerAt(e.clientX - rect.left, e.clientY - rect.top);
        if (tracker) this.onSelect(tracker.id);
      }
      drag = null;
    });
    canvas.addEventListener('wheel', (e) => {
      e.preventDefault();
      const rect = canvas.getBoundingClientRect();
      this.zoomBy(-Math.sign(e.deltaY) * 0.5, { x: e.clientX - rect.left, y: e.clientY - rect.top });
    }, { passive: false });
    canvas.addEventListener('dblclick', (e) => {
      const rect = canvas.getBoundingClientRect();
      this.zoomBy(1, { x: e.clientX - rect.left, y: e.clientY - rect.top });
    });
    canvas.addEventListener('keydown', (e) => {
      const pan = { ArrowLeft: [60, 0], ArrowRight: [-60, 0], ArrowUp: [0, 60], ArrowDown: [0, -60] }[e.key];
      if (pan) this.panBy(...pan);
      else if (e.key === '+' || e.key === '=') this.zoomBy(1);
      else if (e.key === '-') this.zoomBy(-1);
      else return;
      e.preventDefault();
    });
  }
}
