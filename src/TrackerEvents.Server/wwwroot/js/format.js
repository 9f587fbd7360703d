// Formatting shared by the table, the map, the panel and the event feed.

/** The status a tracker is shown with: blocked and removed win over the device's connection status. */
export function statusOf(tracker) {
  if (tracker.removed) return 'removed';
  if (tracker.blocked) return 'blocked';
  return tracker.state?.connection_status ?? 'unknown';
}

const STATUS_TEXT = {
  active: 'active', idle: 'idle', offline: 'offline', signal_lost: 'signal lost',
  just_registered: 'just registered', blocked: 'blocked', removed: 'removed', unknown: 'no data',
};

export const statusText = (status) => STATUS_TEXT[status] ?? status.replaceAll('_', ' ');

/** Statuses in the order the header counts them. */
export const STATUSES = ['active', 'idle', 'offline', 'signal_lost', 'just_registered', 'blocked', 'removed', 'unknown'];

export const speedOf = (tracker) => tracker.state?.gps?.speed ?? null;

export const speedText = (speed) => (speed == null ? '—' : `${Math.round(speed)} km/h`);

/** Milliseconds since the epoch of a date the server sent with iso_datetime (or null). */
export function timeOf(value) {
  if (!value) return null;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? null : ms;
}

/** "12 s ago", "5 min ago", "3 h ago", "2 d ago"; "—" without a date. */
export function agoText(ms, now) {
  if (ms == null) return '—';
  const s = Math.max(0, Math.round((now - ms) / 1000));
  if (s < 60) return `${s} s ago`;
  if (s < 3600) return `${Math.floor(s / 60)} min ago`;
  if (s < 86400) return `${Math.floor(s / 3600)} h ago`;
  return `${Math.floor(s / 86400)} d ago`;
}

export const clockText = (ms) => new Date(ms).toLocaleTimeString([], { hour12: false });

export const onOff = (value) => (value == null ? '—' : value ? 'on' : 'off');

export const percent = (value) => (value == null ? '—' : `${Math.round(value)} %`);

/** A value of any JSON type as one short line. */
export function valueText(value) {
  if (value == null) return '—';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

/** A nested object as [dotted key, value] pairs, arrays of scalars kept whole. */
export function flatten(object, prefix = '', out = []) {
  for (const [key, value] of Object.entries(object ?? {})) {
    const name = prefix ? `${prefix}.${key}` : key;
    if (value && typeof value === 'object' && !Array.isArray(value)) flatten(value, name, out);
    else out.push([name, value]);
  }
  return out;
}

/** Creates an element with a class and text. */
export function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text != null) node.textContent = text;
  return node;
}
