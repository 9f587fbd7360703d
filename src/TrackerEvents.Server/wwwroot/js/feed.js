// The event feed: lifecycle events, connection status changes and session events, newest first, bounded.
import { clockText, el } from './format.js';

export const FEED_LIMIT = 200;

export class EventFeed {
  constructor(list) {
    this.list = list;
    this.pending = [];
  }

  /** kind: lifecycle, status, session or error. Shown at the next frame. */
  add(kind, text, time = Date.now()) {
    this.pending.push({ kind, text, time });
    if (this.pending.length > FEED_LIMIT) this.pending.splice(0, this.pending.length - FEED_LIMIT);
  }

  clear() {
    this.pending = [];
    this.list.replaceChildren();
  }

  render() {
    if (this.pending.length === 0) return;
    const fragment = document.createDocumentFragment();
    for (let i = this.pending.length - 1; i >= 0; i--) {
      const { kind, text, time } = this.pending[i];
      const item = el('li', kind);
      item.dataset.kind = kind;
      const stamp = el('time', '', clockText(time));
      stamp.dateTime = new Date(time).toISOString();
      item.append(stamp, el('span', '', text));
      fragment.append(item);
    }
    this.pending = [];
    this.list.prepend(fragment);
    while (this.list.childElementCount > FEED_LIMIT) this.list.lastElementChild.remove();
  }
}
