// A small Socket.IO client for k6 on `k6/ws`: one blocking connection per call, as k6/ws works.
// The protocol logic lives in session.js/framing.js (tested in node against a real gateway);
// this file only wires it to k6's WebSocket, checks and metrics.
import { check } from 'k6';
import { Counter, Rate, Trend } from 'k6/metrics';
import ws from 'k6/ws';
import { socketIoUrl } from './framing.js';
import { createSession } from './session.js';

// Metrics shared by every scenario (k6 requires them to be created in the init context).
export const sioMetrics = {
  /** WebSocket dial start → Socket.IO CONNECT accepted (`40{"sid"}`): the full handshake. */
  connectMs: new Trend('sio_connect_ms', true),
  /** Share of connection attempts that never reached CONNECT (refused, connect_error, timeout). */
  connectFailed: new Rate('sio_connect_failed'),
  /** Request → ack time, tagged with `event`. */
  ackMs: new Trend('sio_ack_ms', true),
  /** Share of acks with `success: false`, tagged with `event` and `code`. */
  ackFailed: new Rate('sio_ack_failed'),
  /** Requests whose ack had not arrived when the socket closed. */
  unanswered: new Counter('sio_requests_unanswered'),
};

const CONNECT_CHECK = 'socket.io connect accepted';

/**
 * Open a Socket.IO connection, run `body(client)` in it, return when it closes.
 * `body` registers handlers and timers; `client.on('connect', …)` is where the work starts.
 *
 * @param {{ baseUrl: string, token: string, sessionMs: number, connectTimeoutMs?: number, tags?: object }} options
 *   sessionMs: the socket is closed after this long whatever happens (a VU never hangs).
 * @param {(client: object) => void} body
 * @returns {{ connected: boolean, connectError?: string, state: object }}
 */
export function withSocket(options, body) {
  const { baseUrl, token, sessionMs, connectTimeoutMs = 10000, tags = {} } = options;
  const dialStart = Date.now();
  let session;
  let failure;
  let response;

  const fail = (reason) => {
    if (failure) return;
    failure = reason;
    sioMetrics.connectFailed.add(true, { ...tags, error: reason });
    check(reason, { [CONNECT_CHECK]: () => false }, { ...tags, error: reason });
  };

  try {
    response = ws.connect(socketIoUrl(baseUrl), { tags }, (socket) => {
      session = createSession({ send: (text) => socket.send(text), auth: { token } });
      const client = makeClient(socket, session, tags);

      session.on('connect', () => {
        sioMetrics.connectMs.add(Date.now() - dialStart, tags);
        sioMetrics.connectFailed.add(false, tags);
        check(true, { [CONNECT_CHECK]: (ok) => ok }, tags);
      });
      session.on('connect_error', ({ message }) => {
        fail(message);
        socket.close();
      });
      session.on('disconnect', () => socket.close());
      socket.on('message', (text) => session.receive(text));
      socket.on('close', () => {
        // A socket that closes before CONNECT without a connect_error still failed to connect.
        if (!session.state.connectedAt) fail('closed before connect');
        session.transportClosed();
      });
      socket.on('error', (e) => {
        if (!session.state.connectedAt) fail(errorText(e));
      });
      socket.setTimeout(() => {
        if (!session.state.connectedAt) {
          fail('connect timeout');
          socket.close();
        }
      }, connectTimeoutMs);
      socket.setTimeout(() => client.close(), sessionMs);
      body(client);
    });
  } catch (error) {
    // k6/ws throws when the dial or the HTTP upgrade fails (refused, 4xx/5xx from nginx).
    fail(errorText(error));
  }

  if (!session) fail(response ? `websocket upgrade failed (${response.status})` : 'websocket dial failed');
  const pending = session ? session.pendingRequests().length : 0;
  if (pending > 0) sioMetrics.unanswered.add(pending, tags);
  return {
    connected: Boolean(session && session.state.connectedAt),
    connectError: failure,
    state: session && session.state,
  };
}

function makeClient(socket, session, tags) {
  let closed = false;
  return {
    state: session.state,
    on: (event, callback) => session.on(event, callback),
    emit: (event, payload) => session.emit(event, payload),
    /** `callback(response)` with `{ success, ... }`; ack time and failures are recorded. */
    request(event, payload, callback) {
      return session.request(event, payload, (response, info) => {
        const failed = !response || response.success !== true;
        sioMetrics.ackMs.add(info.elapsedMs, { ...tags, event });
        sioMetrics.ackFailed.add(failed, { ...tags, event, code: failed && response ? String(response.code) : 'none' });
        if (callback) callback(response, info);
      });
    },
    setTimeout: (fn, ms) => socket.setTimeout(fn, ms),
    setInterval: (fn, ms) => socket.setInterval(fn, ms),
    pendingRequests: () => session.pendingRequests(),
    /** Leave "/" and close the WebSocket (idempotent). */
    close() {
      if (closed) return;
      closed = true;
      session.disconnect();
      socket.close();
    },
  };
}

function errorText(e) {
  if (!e) return 'unknown error';
  if (typeof e.error === 'function') return String(e.error());
  return String(e.message || e);
}
