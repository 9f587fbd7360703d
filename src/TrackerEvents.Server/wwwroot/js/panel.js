// The tracker panel: the selected tracker's full current state, its readings (readings_batch: inputs,
// states, virtual sensors, counters) and the iot_monitor view (each attribute's last values, newest first).
import { el, flatten, valueText } from './format.js';

const READING_KINDS = [['inputs', 'Inputs'], ['states', 'States'], ['virtual_sensors', 'Virtual sensors'], ['counters', 'Counters']];

/** A readings item's key, as the server merges them: sensor id, state field or counter type. */
const readingKey = (item) => String(item.sensor_id ?? item.field ?? item.type ?? item.name);
const readingName = (item) => item.label ?? item.name ?? item.field ?? item.type ?? String(item.sensor_id);

export class TrackerPanel {
  constructor(elements, onClose) {
    this.root = elements.root;
    this.title = elements.title;
    this.body = elements.body;
    elements.close.addEventListener('click', onClose);
    this.tracker = null;
    this.sections = {};
    for (const [key, title] of [['state', 'State'], ['readings', 'Readings'], ['iot', 'Last values (iot_monitor)']]) {
      const section = el('section');
      section.dataset.section = key;
      const content = el('div');
      section.append(el('h3', '', title), content);
      this.sections[key] = content;
      this.body.append(section);
    }
  }

  show(tracker) {
    this.tracker = tracker;
    this.readings = Object.fromEntries(READING_KINDS.map(([kind]) => [kind, new Map()]));
    this.iot = null;
    this.shownState = undefined;
    this.readingsDirty = this.iotDirty = true;
    this.title.textContent = tracker.label;
    this.root.hidden = false;
    this.body.scrollTop = 0;
  }

  hide() {
    this.tracker = null;
    this.root.hidden = true;
  }

  /** A readings_batch: only what changed, merged into what the panel holds. */
  applyReadings(items) {
    for (const item of items) {
      if (!this.tracker || item.tracker_id !== this.tracker.id) continue;
      for (const [kind] of READING_KINDS) {
        for (const reading of item[kind] ?? []) {
          const known = this.readings[kind].get(readingKey(reading));
          this.readings[kind].set(readingKey(reading), { ...known, ...reading });
        }
      }
      this.readingsDirty = true;
    }
  }

  /** An iot_monitor packet: the trackers with new messages, each attribute's last values. */
  applyIot(data) {
    const mine = data?.iot_last_values?.find((v) => this.tracker && v.tracker_id === this.tracker.id);
    if (mine) {
      this.iot = mine.nonnull_fields ?? {};
      this.iotDirty = true;
    }
  }

  render() {
    const tracker = this.tracker;
    if (!tracker) return;
    if (this.shownState !== tracker.state || this.shownBlocked !== tracker.blocked) {
      this.shownState = tracker.state;
      this.shownBlocked = tracker.blocked;
      const rows = tracker.state ? flatten(tracker.state) : [];
      if (tracker.blocked) rows.unshift(['tracker', 'blocked']);
      this.sections.state.replaceChildren(rows.length ? list(rows) : el('p', 'muted', 'No state yet.'));
    }
    if (this.readingsDirty) {
      this.readingsDirty = false;
      const parts = [];
      for (const [kind, title] of READING_KINDS) {
        const items = [...this.readings[kind].values()];
        if (items.length) parts.push(el('h4', 'muted', title), list(items.map((r) => [readingName(r), readingValue(r)])));
      }
      this.sections.readings.replaceChildren(...(parts.length ? parts : [el('p', 'muted', 'No readings yet.')]));
    }
    if (this.iotDirty) {
      this.iotDirty = false;
      this.sections.iot.replaceChildren(this.iot ? iotTable(this.iot) : el('p', 'muted', 'Waiting for the first packet…'));
    }
  }
}

function readingValue(reading) {
  const units = reading.units || reading.units_type || '';
  return `${valueText(reading.value)}${units ? ` ${units}` : ''}`;
}

function list(pairs) {
  const dl = el('dl', 'kv');
  for (const [key, value] of pairs) dl.append(el('dt', '', key), el('dd', '', valueText(value)));
  return dl;
}

function iotTable(fields) {
  const table = el('table', 'iot');
  for (const [name, values] of Object.entries(fields).sort(([a], [b]) => a.localeCompare(b))) {
    const row = el('tr');
    row.append(el('th', '', name));
    for (const v of values) {
      const cell = el('td', '', valueText(v.value));
      cell.title = v.msg_time;
      row.append(cell);
    }
    table.append(row);
  }
  return table;
}
