// The fleet table: one row per tracker, filtered by label, sorted by any column. Only the rows in view exist
// in the page (a pool of row elements moved into place), and a cell is written only when its text changed,
// so a batch that changes 2,000 trackers costs the visible rows' texts, not 2,000 rows.
import { agoText, el, onOff, percent, speedOf, speedText, statusOf, statusText } from './format.js';

export const ROW_HEIGHT = 30; // the CSS --row
const OVERSCAN = 6;
const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' });
const byLabel = (a, b) => collator.compare(a.label, b.label) || a.id - b.id;

const COLUMNS = [
  { key: 'label', title: 'Label', text: (t) => t.label },
  { key: 'status', title: 'Status', text: (t) => statusText(statusOf(t)), value: (t) => statusOf(t) },
  { key: 'movement', title: 'Movement', text: (t) => t.state?.movement_status ?? '—', value: (t) => t.state?.movement_status ?? '' },
  { key: 'speed', title: 'Speed', num: true, text: (t) => speedText(speedOf(t)), value: (t) => speedOf(t) ?? -1 },
  { key: 'updated', title: 'Updated', num: true, text: (t, now) => agoText(t.lastUpdate, now), value: (t) => -(t.lastUpdate ?? -Infinity) },
  { key: 'ignition', title: 'Ign.', text: (t) => onOff(t.state?.ignition), value: (t) => t.state?.ignition ?? null },
  { key: 'battery', title: 'Batt.', num: true, text: (t) => percent(t.state?.battery_level), value: (t) => t.state?.battery_level ?? -1 },
];

export class FleetTable {
  constructor(fleet, elements, onSelect) {
    this.fleet = fleet;
    this.body = elements.body;
    this.spacer = elements.spacer;
    this.grid = elements.grid;
    this.shown = elements.shown;
    this.onSelect = onSelect;
    this.filter = '';
    this.sort = { key: 'label', descending: false };
    this.rows = [];
    this.pool = [];
    this.selectedId = null;
    this.builtFor = -1;
    this.dirty = true;
    this.buildHead(elements.head);
    this.body.addEventListener('scroll', () => { this.dirty = true; }, { passive: true });
    this.body.addEventListener('click', (e) => {
      const row = e.target.closest('.row');
      if (row) this.onSelect(Number(row.dataset.id));
    });
    this.body.addEventListener('keydown', (e) => this.key(e));
  }

  buildHead(head) {
    this.headButtons = COLUMNS.map((column) => {
      const button = el('button', column.num ? 'num' : '', column.title);
      button.type = 'button';
      button.setAttribute('role', 'columnheader');
      button.addEventListener('click', () => this.sortBy(column.key));
      head.append(button);
      return [column.key, button];
    });
    this.markSort();
  }

  sortBy(key) {
    this.sort = { key, descending: this.sort.key === key ? !this.sort.descending : false };
    this.markSort();
    this.builtFor = -1;
  }

  markSort() {
    for (const [key, button] of this.headButtons) {
      if (key === this.sort.key) button.setAttribute('aria-sort', this.sort.descending ? 'descending' : 'ascending');
      else button.removeAttribute('aria-sort');
    }
  }

  setFilter(text) {
    this.filter = text.trim().toLowerCase();
    this.builtFor = -1;
  }

  select(id) {
    this.selectedId = id;
    this.dirty = true;
  }

  /**
   * The list in view order; rebuilt when the data, the filter or the sort changed. Labels are ranked once
   * (collation is the costly comparison), and each row's sort value is read once per build.
   */
  build() {
    if (this.rankedFor !== this.fleet.loads) {
      this.rankedFor = this.fleet.loads;
      [...this.fleet.trackers.values()].sort(byLabel).forEach((t, i) => { t.rank = i; });
    }
    const column = COLUMNS.find((c) => c.key === this.sort.key);
    let list = [...this.fleet.trackers.values()];
    if (this.filter) list = list.filter((t) => t.label.toLowerCase().includes(this.filter));
    const value = column.value ?? ((t) => t.rank);
    const direction = this.sort.descending ? -1 : 1;
    const keyed = list.map((t) => ({ t, v: value(t) }));
    keyed.sort((a, b) => (a.v < b.v ? -direction : a.v > b.v ? direction : 0) || a.t.rank - b.t.rank);
    list = keyed.map((k) => k.t);
    this.rows = list;
    this.builtFor = this.fleet.version;
    this.spacer.style.height = `${list.length * ROW_HEIGHT}px`;
    this.grid.setAttribute('aria-rowcount', String(list.length + 1));
    this.shown.textContent = this.filter ? `${list.length} of ${this.fleet.trackers.size} shown` : '';
    this.dirty = true;
  }

  /** Draws the rows in view. `tick` is set once a second so that "12 s ago" moves on. */
  render(now, tick) {
    if (this.builtFor !== this.fleet.version) this.build();
    if (!this.dirty && !tick) return;
    this.dirty = false;
    const first = Math.max(0, Math.floor(this.body.scrollTop / ROW_HEIGHT) - OVERSCAN);
    const last = Math.min(this.rows.length, Math.ceil((this.body.scrollTop + this.body.clientHeight) / ROW_HEIGHT) + OVERSCAN);
    while (this.pool.length < last - first) this.pool.push(this.newRow());
    for (let i = 0; i < this.pool.length; i++) {
      const row = this.pool[i];
      const index = first + i;
      if (index >= last) {
        row.hidden = true;
        continue;
      }
      this.fill(row, this.rows[index], index, now);
    }
  }

  newRow() {
    const row = el('div', 'row');
    row.setAttribute('role', 'row');
    row.cells = COLUMNS.map((column) => {
      const cell = el('span', `c-${column.key}${column.num ? ' num' : ''}`);
      cell.setAttribute('role', 'gridcell');
      if (column.key === 'status') {
        cell.dot = el('i', 'status-dot');
        cell.label = el('span');
        cell.append(cell.dot, cell.label);
      }
      row.append(cell);
      return cell;
    });
    row.texts = [];
    this.body.append(row);
    return row;
  }

  fill(row, tracker, index, now) {
    row.hidden = false;
    if (row.index !== index) {
      row.index = index;
      row.style.transform = `translateY(${index * ROW_HEIGHT}px)`;
      row.setAttribute('aria-rowindex', String(index + 2));
    }
    if (row.dataset.id !== String(tracker.id)) row.dataset.id = String(tracker.id);
    const status = statusOf(tracker);
    const className = `row s-${status}${tracker.blocked ? ' blocked' : ''}`;
    if (row.className !== className) row.className = className;
    const selected = tracker.id === this.selectedId ? 'true' : 'false';
    if (row.getAttribute('aria-selected') !== selected) row.setAttribute('aria-selected', selected);
    COLUMNS.forEach((column, i) => {
      const text = column.text(tracker, now);
      if (row.texts[i] === text) return;
      row.texts[i] = text;
      (row.cells[i].label ?? row.cells[i]).textContent = text;
    });
  }

  /** Arrow keys, Page Up/Down, Home and End move the selection through the rows in view order. */
  key(e) {
    const steps = { ArrowDown: 1, ArrowUp: -1, PageDown: 10, PageUp: -10, Home: -Infinity, End: Infinity };
    if (!(e.key in steps) || this.rows.length === 0) return;
    e.preventDefault();
    const at = this.rows.findIndex((t) => t.id === this.selectedId);
    const next = Math.max(0, Math.min(this.rows.length - 1, (at < 0 ? -1 : at) + steps[e.key]));
    const top = next * ROW_HEIGHT;
    if (top < this.body.scrollTop) this.body.scrollTop = top;
    else if (top + ROW_HEIGHT > this.body.scrollTop + this.body.clientHeight) this.body.scrollTop = top + ROW_HEIGHT - this.body.clientHeight;
    this.onSelect(this.rows[next].id);
  }
}
