// The event connection: atmosphere.js (vendor/atmosphere.js) on /event/subscription, as the Navixy sample
// sets it up, with length tracking (messages survive the HTTP transports whole) and reconnecting for good.

const TRANSPORT_NAMES = { websocket: 'WebSocket', 'long-polling': 'long-polling', streaming: 'streaming' };

export const transportName = (transport) => TRANSPORT_NAMES[transport] ?? transport;

export class Connection {
  /**
   * @param {string} url absolute URL of the subscription endpoint
   * @param {object} handlers onOpen(reopened), onMessage(message, receivedAt), onState(state, detail), with state one of
   *   connecting, open, reconnecting, closed, failed
   */
  constructor(url, handlers) {
    this.url = url;
    this.handlers = handlers;
    this.socket = null;
    this.transport = null;
    this.closing = false;
  }

  open() {
    this.closing = false;
    this.handlers.onState('connecting');
    const opened = (response, reopened) => {
      this.transport = response.transport;
      this.handlers.onState('open', this.transport);
      this.handlers.onOpen(reopened);
    };
    this.socket = window.atmosphere.subscribe({
      url: this.url,
      contentType: 'application/json',
      transport: 'websocket',
      fallbackTransport: 'streaming',
      trackMessageLength: true,
      reconnectInterval: 2000,
      // A monitoring page stays open all day: keep reconnecting through any outage.
      maxReconnectOnClose: Number.MAX_SAFE_INTEGER,
      timeout: 300000,
      logLevel: 'error',
      onOpen: (response) => opened(response, false),
      onReopen: (response) => opened(response, true),
      onReconnect: (request, response) => {
        if (!this.closing) this.handlers.onState('reconnecting', response?.transport ?? request?.transport);
      },
      onTransportFailure: (reason, request) => this.handlers.onState('reconnecting', request?.fallbackTransport),
      onClose: () => {
        if (!this.closing) this.handlers.onState('closed');
      },
      onError: (response) => {
        if (!this.closing) this.handlers.onState('failed', response?.reasonPhrase);
      },
      onClientTimeout: () => {
        if (!this.closing) this.reopen();
      },
      onMessage: (response) => this.receive(response.responseBody),
    });
  }

  /** One message as atmosphere.js hands it over (bench/page feeds its synthetic batches in here too). */
  receive(body) {
    const receivedAt = performance.now();
    if (!body || !body.trim()) return;
    let message;
    try {
      message = JSON.parse(body);
    } catch {
      return; // not ours (a stray heartbeat or padding that reached the page)
    }
    this.handlers.onMessage(message, receivedAt);
  }

  push(message) {
    this.socket?.push(JSON.stringify(message));
  }

  reopen() {
    this.close();
    this.open();
  }

  /** Closes for good: atmosphere.js sends the close request, and the server forgets this client. */
  close() {
    this.closing = true;
    window.atmosphere.unsubscribe();
    this.socket = null;
    this.transport = null;
  }
}
