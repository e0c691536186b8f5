// The Socket.IO client state machine, independent of any WebSocket implementation: feed it the
// frames you receive (`receive`), give it a `send` function. k6 wires it to `k6/ws`
// (socketio.js); the node test wires it to the `ws` package against a real gateway, so the
// logic k6 runs is the logic that was tested.
import { encodeConnect, encodeDisconnect, encodeEvent, encodePong, encodeRequest, parseFrame } from './framing.js';

/** Lifecycle pseudo-events, as in socket.io-client; every other name is a server event. */
export const LIFECYCLE = ['open', 'connect', 'connect_error', 'disconnect', 'unsupported'];

/**
 * @param {{ send: (text: string) => void, auth?: object, now?: () => number }} options
 */
export function createSession({ send, auth, now = Date.now }) {
  const listeners = {};
  const pending = {};
  let nextId = 0;
  const state = {
    handshake: undefined,
    sid: undefined,
    connected: false,
    connectError: undefined,
    pings: 0,
    unsupported: 0,
    startedAt: now(),
    connectedAt: undefined,
  };

  function fire(name, ...args) {
    for (const fn of listeners[name] || []) fn(...args);
  }

  function receive(raw) {
    const frame = parseFrame(raw);
    switch (frame.kind) {
      case 'open':
        state.handshake = frame;
        fire('open', frame);
        send(encodeConnect(auth));
        return frame;
      case 'ping':
        state.pings += 1;
        send(encodePong());
        return frame;
      case 'connect':
        state.sid = frame.sid;
        state.connected = true;
        state.connectedAt = now();
        fire('connect', { sid: frame.sid, elapsedMs: state.connectedAt - state.startedAt });
        return frame;
      case 'connect_error':
        state.connectError = frame.message;
        fire('connect_error', { message: frame.message, data: frame.data });
        return frame;
      case 'event':
        fire(frame.event, ...frame.args);
        return frame;
      case 'ack':
        settle(frame);
        return frame;
      case 'disconnect':
      case 'close':
        markDisconnected('server');
        return frame;
      case 'unsupported':
        state.unsupported += 1;
        fire('unsupported', frame);
        return frame;
      default:
        return frame;
    }
  }

  function settle(frame) {
    const request = pending[frame.id];
    if (!request) return;
    delete pending[frame.id];
    request.callback(frame.args[0], { event: request.event, elapsedMs: now() - request.sentAt });
  }

  function markDisconnected(reason) {
    if (!state.connected) return;
    state.connected = false;
    fire('disconnect', { reason });
  }

  return {
    state,
    receive,
    /** Listen to a server event or a lifecycle pseudo-event (see LIFECYCLE). */
    on(event, callback) {
      (listeners[event] = listeners[event] || []).push(callback);
    },
    /** Fire-and-forget event (`42[...]`). */
    emit(event, payload) {
      send(encodeEvent(event, payload));
    },
    /**
     * Request with ack (`42<id>[...]`). `callback(response, { event, elapsedMs })` runs when
     * `43<id>` arrives; a response never arriving shows up in `pendingRequests()`.
     */
    request(event, payload, callback) {
      const id = nextId++;
      pending[id] = { event, callback, sentAt: now() };
      send(encodeRequest(id, event, payload));
      return id;
    },
    /** Requests still waiting for their ack: [{ id, event, ageMs }]. */
    pendingRequests() {
      const at = now();
      return Object.keys(pending).map((id) => ({
        id: Number(id),
        event: pending[id].event,
        ageMs: at - pending[id].sentAt,
      }));
    },
    /** Send `41` (leave "/"); the caller closes the WebSocket afterwards. */
    disconnect() {
      if (state.connected) send(encodeDisconnect());
      markDisconnected('client');
    },
    /** The transport closed under us (network error, server close). */
    transportClosed() {
      markDisconnected('transport');
    },
  };
}

/** True when an ack says the server answers this request with "not built here" (bus: no handler). */
export function isNotAvailable(response) {
  return (
    Boolean(response) &&
    response.success === false &&
    response.code === 'UNAVAILABLE' &&
    /not available on this server/.test(String(response.error))
  );
}
