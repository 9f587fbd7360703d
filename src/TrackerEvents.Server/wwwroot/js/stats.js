// What the page costs, kept for bench/page (window.fleetMonitor.stats): the time from a state_batch's
// arrival to its frame being drawn (parsing it, applying it to the model, then drawing what changed), and
// frames dropped.
const KEEP = 1000;
const FRAME_MS = 1000 / 60;

export class FrameStats {
  constructor() {
    this.batches = 0;
    this.items = 0;
    /** Per batch: ms to parse and apply it + ms of the frame that drew it; the last KEEP batches. */
    this.batchMs = [];
    this.frames = 0;
    this.dropped = 0;
    this.pending = null;
    this.last = 0;
  }

  applied(ms, items) {
    this.batches++;
    this.items += items;
    this.pending = (this.pending ?? 0) + ms;
  }

  /** Counts the frames missed since the last one at 60 Hz (a hidden tab's pause of a second or more is not a drop). */
  frame(now) {
    const gap = now - this.last;
    if (this.last && gap > 1.5 * FRAME_MS && gap < 1000) this.dropped += Math.round(gap / FRAME_MS) - 1;
    this.last = now;
    this.frames++;
  }

  rendered(ms) {
    if (this.pending === null) return;
    this.batchMs.push(this.pending + ms);
    if (this.batchMs.length > KEEP) this.batchMs.splice(0, this.batchMs.length - KEEP);
    this.pending = null;
  }
}
