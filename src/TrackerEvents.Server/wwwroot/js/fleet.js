// The user's trackers and their latest states, as the state_batch stream delivers them.
import { STATUSES, statusOf, timeOf } from './format.js';

/** Points of a tracker's trail kept since the page opened: at least this many, at most twice as many. */
export const TRAIL_POINTS = 500;

export class Fleet {
  constructor() {
    /** @type {Map<number, object>} by tracker id */
    this.trackers = new Map();
    this.bySource = new Map();
    /** Bumped on every change: the views redraw when it moved. */
    this.version = 0;
    /** Bumped when the list of trackers is (re)loaded. */
    this.loads = 0;
  }

  /** The trackers of tracker/list, before any state. */
  load(list) {
    this.trackers.clear();
    this.bySource.clear();
    this.loads++;
    for (const item of list) {
      const tracker = {
        id: item.id, label: item.label, sourceId: item.source?.id, blocked: !!item.source?.blocked, removed: false,
        state: null, lastUpdate: null, lat: null, lng: null, heading: null, trail: [],
      };
      this.trackers.set(tracker.id, tracker);
      this.bySource.set(tracker.sourceId, tracker);
    }
    this.version++;
  }

  /** The per-tracker statuses of a subscribe response (normal, blocked, unknown). */
  applyStatuses(value) {
    for (const [id, status] of Object.entries(value ?? {})) {
      const tracker = this.trackers.get(Number(id));
      if (tracker) {
        tracker.blocked = status === 'blocked';
        tracker.removed = status === 'unknown';
      }
    }
    this.version++;
  }

  /**
   * Applies one state_batch: each item replaces a tracker's state or is a lifecycle event. Calls
   * notify(kind, tracker, text) for lifecycle events and connection status changes.
   */
  applyBatch(items, notify) {
    for (const item of items) {
      const tracker = this.bySource.get(item.type === 'lifecycle_event' ? item.source_id : item.state?.source_id);
      if (!tracker) continue;
      if (item.type === 'lifecycle_event') this.applyLifecycle(tracker, item.lifecycle_event, notify);
      else if (item.type === 'source_state_event') this.applyState(tracker, item.state, notify);
    }
    this.version++;
  }

  applyLifecycle(tracker, event, notify) {
    if (event === 'block') tracker.blocked = true;
    else if (event === 'unblock') tracker.blocked = false;
    else if (event === 'corrupt') tracker.removed = true;
    notify('lifecycle', tracker, event === 'corrupt' ? 'removed (corrupt)' : `${event}ed`);
  }

  applyState(tracker, state, notify) {
    const before = tracker.state?.connection_status;
    const after = state.connection_status;
    if (before && after && before !== after) notify('status', tracker, `${before.replaceAll('_', ' ')} → ${after.replaceAll('_', ' ')}`);
    tracker.state = state;
    tracker.lastUpdate = timeOf(state.last_update);
    const gps = state.gps;
    const location = gps?.location;
    tracker.heading = gps?.heading ?? null;
    if (location && Number.isFinite(location.lat) && Number.isFinite(location.lng)) {
      if (location.lat !== tracker.lat || location.lng !== tracker.lng) {
        tracker.trail.push(location.lat, location.lng);
        // Cut in halves rather than one point at a time: a shift per change would cost a copy of the trail.
        if (tracker.trail.length > TRAIL_POINTS * 4) tracker.trail.splice(0, tracker.trail.length - TRAIL_POINTS * 2);
      }
      tracker.lat = location.lat;
      tracker.lng = location.lng;
    }
  }

  /** How many trackers are in each status, in the order of STATUSES, leaving out the empty ones. */
  counts() {
    const counts = new Map(STATUSES.map((s) => [s, 0]));
    for (const tracker of this.trackers.values()) {
      const status = statusOf(tracker);
      counts.set(status, (counts.get(status) ?? 0) + 1);
    }
    return [...counts].filter(([, n]) => n > 0);
  }
}
