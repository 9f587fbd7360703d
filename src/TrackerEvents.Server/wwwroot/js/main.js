// The monitoring page: log in, then the fleet table, the map, the tracker panel and the event feed, live
// from one event connection. Each frame draws what changed since the last one.
import { Api } from './api.js';
import { Connection, transportName } from './connection.js';
import { EventFeed } from './feed.js';
import { Fleet } from './fleet.js';
import { el, statusText } from './format.js';
import { FleetMap } from './map.js';
import { TrackerPanel } from './panel.js';
import { Subscriptions, forgetSession, storeSession, storedSession } from './session.js';
import { FrameStats } from './stats.js';
import { FleetTable } from './table.js';

const $ = (id) => document.getElementById(id);
const LOGIN_ERRORS = {
  102: 'Wrong login or password.',
  105: 'Too many failed attempts: try again later.',
  275: 'This user is blocked.',
};

const config = await (await fetch('config.json', { cache: 'no-store' })).json();
const api = new Api(config.api);
const fleet = new Fleet();
const feed = new EventFeed($('events'));
const stats = new FrameStats();
const select = (id) => selectTracker(id);
const table = new FleetTable(fleet, { body: $('table-body'), spacer: $('table-spacer'), grid: $('table'), head: $('table-head'), shown: $('shown') }, select);
const map = new FleetMap($('map'), fleet, config, select);
const panel = new TrackerPanel({ root: $('panel'), title: $('panel-title'), body: $('panel-body'), close: $('panel-close') }, () => select(null));
let session = null; // { hash, login, connection, subscriptions }
let tick = false;
let countsKey = '';

map.ground.loadOutlines('vendor/world-atlas/countries-50m.json');
$('attribution').textContent = config.tile_url ? config.tile_attribution ?? '' : 'Natural Earth';
$('zoom-in').addEventListener('click', () => map.zoomBy(1));
$('zoom-out').addEventListener('click', () => map.zoomBy(-1));
$('fit').addEventListener('click', () => map.fit());
$('filter').addEventListener('input', (e) => table.setFilter(e.target.value));
$('logout-button').addEventListener('click', logout);
$('login-form').addEventListener('submit', login);
addEventListener('keydown', (e) => { if (e.key === 'Escape' && session && !$('panel').hidden) select(null); });

async function login(e) {
  e.preventDefault();
  const name = $('login').value.trim();
  $('login-button').disabled = true;
  $('login-message').textContent = '';
  try {
    const hash = await api.login(name, $('password').value);
    storeSession(hash, name);
    $('password').value = '';
    await start({ hash, login: name });
  } catch (error) {
    showLogin(LOGIN_ERRORS[error.code] ?? error.message);
  } finally {
    $('login-button').disabled = false;
  }
}

async function start({ hash, login: name }) {
  let list;
  try {
    list = await api.trackers(hash);
  } catch (error) {
    endSession(error.sessionEnded ? 'Your session has ended: please log in again.' : error.message);
    return;
  }
  fleet.load(list);
  map.fitted = false;
  const connection = new Connection(new URL(`${config.api ? `${config.api}/` : ''}event/subscription`, location.href).href, {
    onOpen: (reopened) => {
      feed.add('session', reopened ? 'Reconnected: catching up' : `Connected over ${transportName(connection.transport)}`);
      session?.subscriptions.subscribeAll();
    },
    onState: showConnection,
    onMessage: receive,
  });
  session = { hash, login: name, connection, subscriptions: new Subscriptions(hash, (m) => connection.push(m)) };
  $('user').textContent = name;
  $('login-view').hidden = true;
  $('app-view').hidden = false;
  feed.add('session', `Logged in as ${name}: ${list.length} trackers`);
  connection.open();
}

function receive(message, receivedAt) {
  if (message.type === 'event') {
    switch (message.event) {
      case 'state_batch': {
        fleet.applyBatch(message.data, (kind, tracker, text) => feed.add(kind, kind === 'status' ? `${tracker.label}: ${text}` : `${tracker.label} ${text}`));
        stats.applied(performance.now() - receivedAt, message.data.length);
        break;
      }
      case 'readings_batch': panel.applyReadings(message.data); break;
      case 'iot_monitor': panel.applyIot(message.data); break;
      case 'logout': endSession('Your session was closed (logged out elsewhere): please log in again.'); break;
      default: break;
    }
  } else if (message.type === 'response' && message.action === 'subscription/subscribe' && message.data?.state_batch) {
    fleet.applyStatuses(message.data.state_batch.value);
  } else if (message.type === 'error') {
    if (message.status?.code === 3 || message.status?.code === 4) endSession('Your session has ended: please log in again.');
    else feed.add('error', `${message.action}: ${message.status?.description}`);
  }
}

const CONNECTION_TEXT = { connecting: 'connecting…', open: 'live', reconnecting: 'reconnecting…', closed: 'reconnecting…', failed: 'disconnected' };
const CONNECTION_DOT = { connecting: 'wait', open: 'up', reconnecting: 'wait', closed: 'wait', failed: 'down' };

function showConnection(state, transport) {
  if (!session) return;
  if (state !== 'open') session.subscriptions.online = false;
  const text = CONNECTION_TEXT[state];
  if ($('connection-text').textContent !== text && state !== 'connecting' && state !== 'open') feed.add('session', `Connection ${text}`);
  $('connection-text').textContent = text;
  $('connection-dot').className = `dot ${CONNECTION_DOT[state]}`;
  $('transport').textContent = transport ? transportName(transport) : '';
}

function selectTracker(id) {
  const tracker = id == null ? null : fleet.trackers.get(id) ?? null;
  if (tracker && tracker === panel.tracker) return;
  session?.subscriptions.select(tracker?.id ?? null);
  table.select(tracker?.id ?? null);
  map.select(tracker);
  if (tracker) panel.show(tracker);
  else panel.hide();
  $('app-view').classList.toggle('no-panel', !tracker);
}

async function logout() {
  const hash = session?.hash;
  endSession('You have logged out.');
  if (hash) await api.logout(hash).catch(() => {}); // ended either way for this tab
}

function endSession(message) {
  if (session) {
    session.subscriptions.stop();
    session.connection.close();
    session = null;
  }
  forgetSession();
  selectTracker(null);
  fleet.load([]);
  feed.clear();
  showLogin(message);
}

function showLogin(message) {
  $('app-view').hidden = true;
  $('login-view').hidden = false;
  $('login-message').textContent = message;
  $('login').focus();
}

function renderCounts() {
  const counts = fleet.counts();
  const key = counts.map(([s, n]) => `${s}:${n}`).join();
  if (key === countsKey) return;
  countsKey = key;
  const parts = [el('span', 'count', `${fleet.trackers.size} trackers`)];
  for (const [status, n] of counts) {
    const part = el('span', `count s-${status}`);
    part.dataset.status = status;
    part.append(el('i', 'status-dot'), `${n} ${statusText(status)}`);
    parts.push(part);
  }
  $('counts').replaceChildren(...parts);
}

function frame(now) {
  stats.frame(now);
  if (session) {
    table.render(Date.now(), tick);
    map.render();
    panel.render();
    renderCounts();
  }
  feed.render();
  tick = false;
  stats.rendered(performance.now() - now);
  requestAnimationFrame(frame);
}

setInterval(() => { tick = true; }, 1000);
$('app-view').classList.add('no-panel');
// For the tests and bench/page: the model, the map's projection, the costs, and the message entry point.
window.fleetMonitor = { fleet, map, stats, receive: (text) => session?.connection.receive(text) };
requestAnimationFrame(frame);
const stored = storedSession();
if (stored) start(stored);
else showLogin('');
