// Turns atmosphere.js callbacks into plain JSON events and exposes the few actions a test needs.
// The same file runs in Node (required by client.js) and in Chromium (injected into the page as a
// classic script, where it defines the global `atmosphereBridge`), so it uses no require/import.
(function (root) {
  'use strict';

  function copyMessages(response) {
    return Array.isArray(response.messages) ? response.messages.slice() : [];
  }

  function uuidOf(x, socket) {
    var rq = x && x.request ? x.request : x;
    if (rq && rq.uuid) return String(rq.uuid);
    return socket && socket.getUUID ? String(socket.getUUID()) : undefined;
  }

  /**
   * @param atmosphere the library object
   * @param options    the subscribe request without callbacks (plain JSON)
   * @param emit       function(object) writing one event line
   * @returns {{push: Function, unsubscribe: Function, close: Function}}
   */
  function atmosphereBridge(atmosphere, options, emit) {
    var socket;
    var request = {};
    for (var k in options) request[k] = options[k];

    request.onOpen = function (r) {
      emit({ event: 'open', transport: r.transport, uuid: uuidOf(r, socket), status: r.status });
    };
    request.onReopen = function (r) {
      emit({ event: 'reopen', transport: r.transport, uuid: uuidOf(r, socket), status: r.status });
    };
    request.onReconnect = function (rq, r) {
      emit({ event: 'reconnect', transport: rq.transport, uuid: uuidOf(rq, socket), status: r && r.status });
    };
    request.onMessage = function (r) {
      // responseBody is exactly what the app would see: trimmed, one message per call.
      emit({ event: 'message', body: r.responseBody, messages: copyMessages(r), transport: r.transport, status: r.status });
    };
    request.onMessagePublished = function (r) {
      emit({ event: 'messagePublished', body: r.responseBody, transport: r.transport, status: r.status });
    };
    request.onClose = function (r) {
      emit({ event: 'close', status: r.status, state: r.state, reason: r.reasonPhrase, transport: r.transport });
    };
    request.onError = function (r) {
      emit({ event: 'error', status: r.status, state: r.state, reason: r.reasonPhrase, transport: r.transport });
    };
    request.onTransportFailure = function (reason, rq) {
      emit({ event: 'transportFailure', reason: reason, transport: rq && rq.transport, fallbackTransport: rq && rq.fallbackTransport });
    };
    request.onClientTimeout = function (rq) {
      emit({ event: 'clientTimeout', uuid: uuidOf(rq, socket) });
    };
    request.onFailureToReconnect = function (rq, r) {
      emit({ event: 'failureToReconnect', transport: rq && rq.transport, status: r && r.status, reason: r && r.reasonPhrase });
    };
    request.onOpenAfterResume = function (rq) {
      emit({ event: 'openAfterResume', uuid: uuidOf(rq, socket) });
    };

    socket = atmosphere.subscribe(request);

    return {
      push: function (data) {
        socket.push(data);
      },
      // atmosphere.unsubscribe() closes every subscription: onClose, then the
      // X-Atmosphere-Transport=close request, then the socket/XHR is closed.
      unsubscribe: function () {
        atmosphere.unsubscribe();
      },
      // Same path for one subscription (rq.close() is what unsubscribe() calls).
      close: function () {
        socket.close();
      },
      uuid: function () {
        return socket.getUUID ? String(socket.getUUID()) : undefined;
      },
    };
  }

  if (typeof module !== 'undefined' && module.exports) module.exports = atmosphereBridge;
  else root.atmosphereBridge = atmosphereBridge;
})(this);
