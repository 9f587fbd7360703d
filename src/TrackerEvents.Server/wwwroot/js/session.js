// The session of this tab: the hash from user/auth kept in sessionStorage (it dies with the tab), and the
// subscriptions made with it: state_batch for the whole fleet, readings_batch and iot_monitor for the
// selected tracker (subscribed a moment after the selection settles, unsubscribed when it changes).
const HASH_KEY = 'trackerevents.hash';
const LOGIN_KEY = 'trackerevents.login';
const SELECTION_SETTLE_MS = 250;

export const storedSession = () => {
  const hash = sessionStorage.getItem(HASH_KEY);
  return hash ? { hash, login: sessionStorage.getItem(LOGIN_KEY) ?? '' } : null;
};

export const storeSession = (hash, login) => {
  sessionStorage.setItem(HASH_KEY, hash);
  sessionStorage.setItem(LOGIN_KEY, login);
};

export const forgetSession = () => {
  sessionStorage.removeItem(HASH_KEY);
  sessionStorage.removeItem(LOGIN_KEY);
};

export class Subscriptions {
  constructor(hash, push) {
    this.hash = hash;
    this.push = push;
    this.selected = null;
    this.subscribed = null;
    this.timer = 0;
    /** Whether the connection is open: pushes wait for the next onOpen/onReopen otherwise. */
    this.online = false;
  }

  /** After onOpen and onReopen: the fleet (a fresh snapshot, which also catches up after a gap) and the selection. */
  subscribeAll() {
    this.online = true;
    this.push({
      action: 'subscribe', hash: this.hash, iso_datetime: true,
      requests: [{ type: 'state_batch', target: { type: 'all' }, rate_limit: '1s' }],
    });
    this.subscribed = null;
    if (this.selected != null) this.subscribeSelected();
  }

  select(id) {
    this.selected = id;
    clearTimeout(this.timer);
    if (this.subscribed != null && this.subscribed !== id && this.online) {
      this.push({ action: 'unsubscribe', hash: this.hash, requests: this.trackerRequests(this.subscribed) });
      this.subscribed = null;
    }
    if (id != null && this.subscribed !== id) this.timer = setTimeout(() => this.subscribeSelected(), SELECTION_SETTLE_MS);
  }

  subscribeSelected() {
    if (!this.online || this.selected == null) return;
    this.push({ action: 'subscribe', hash: this.hash, iso_datetime: true, requests: this.trackerRequests(this.selected) });
    this.subscribed = this.selected;
  }

  trackerRequests(id) {
    const target = { type: 'selected', tracker_ids: [id] };
    return [{ type: 'readings_batch', target, rate_limit: '1s' }, { type: 'iot_monitor', target, rate_limit: '1s' }];
  }

  stop() {
    clearTimeout(this.timer);
  }
}
