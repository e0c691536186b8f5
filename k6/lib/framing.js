// Engine.IO v4 / Socket.IO v5 framing over a WebSocket, as pure functions on strings.
// No k6 import here on purpose: node's test runner checks these against a real Switchboard
// gateway (packages/cli/src/k6-framing.test.ts), and k6 scripts reuse them unchanged.
//
// One WebSocket text frame carries one Engine.IO packet: a type digit, then data.
//   0{"sid",...}  open        2 ping (server → client)   3 pong (client → server)
//   1 close       4<socket.io packet> message             6 noop
// A Socket.IO packet (inside an Engine.IO message) is: type digit, optional "/nsp,", optional
// ack id digits, optional JSON.
//   0 CONNECT  1 DISCONNECT  2 EVENT  3 ACK  4 CONNECT_ERROR  (5, 6: binary, not used here)
// Only the main namespace "/" and JSON payloads are handled: that is all Switchboard speaks.

export const ENGINE = { OPEN: '0', CLOSE: '1', PING: '2', PONG: '3', MESSAGE: '4', UPGRADE: '5', NOOP: '6' };
export const SOCKET = { CONNECT: '0', DISCONNECT: '1', EVENT: '2', ACK: '3', CONNECT_ERROR: '4' };

/** The WebSocket URL of a Socket.IO server: http(s) becomes ws(s), path /socket.io/. */
export function socketIoUrl(baseUrl) {
  const base = String(baseUrl)
    .replace(/\/+$/, '')
    .replace(/^http(s?):\/\//i, 'ws$1://');
  return `${base}/socket.io/?EIO=4&transport=websocket`;
}

/** `40` + auth JSON: the Socket.IO CONNECT to "/", carrying the JWT as `auth.token`. */
export function encodeConnect(auth) {
  return auth === undefined ? ENGINE.MESSAGE + SOCKET.CONNECT : ENGINE.MESSAGE + SOCKET.CONNECT + JSON.stringify(auth);
}

/** `41`: leave "/" politely before closing the WebSocket. */
export function encodeDisconnect() {
  return ENGINE.MESSAGE + SOCKET.DISCONNECT;
}

/** `42["event",payload]`: an event without ack (e.g. typing signals). */
export function encodeEvent(event, payload) {
  return ENGINE.MESSAGE + SOCKET.EVENT + JSON.stringify(eventArgs(event, payload));
}

/** `42<id>["event",payload]`: a request; the server answers `43<id>[response]`. */
export function encodeRequest(id, event, payload) {
  if (!Number.isInteger(id) || id < 0) throw new Error(`ack id must be a non-negative integer, got ${id}`);
  return ENGINE.MESSAGE + SOCKET.EVENT + String(id) + JSON.stringify(eventArgs(event, payload));
}

/** `43<id>[...args]`: answer a server request (Switchboard sends none today; here for completeness). */
export function encodeAck(id, args) {
  return ENGINE.MESSAGE + SOCKET.ACK + String(id) + JSON.stringify(args);
}

/** `3`: the answer to a server ping `2` (Engine.IO v4: the server pings, the client pongs). */
export function encodePong() {
  return ENGINE.PONG;
}

function eventArgs(event, payload) {
  if (typeof event !== 'string' || event === '') throw new Error('event name must be a non-empty string');
  return payload === undefined ? [event] : [event, payload];
}

/**
 * Parse one WebSocket text frame into a flat, tagged object:
 *   { kind: 'open', sid, pingInterval, pingTimeout, maxPayload, upgrades }
 *   { kind: 'ping' } | { kind: 'pong' } | { kind: 'close' } | { kind: 'noop' }
 *   { kind: 'connect', sid }                 Socket.IO CONNECT accepted (`40{"sid"}`)
 *   { kind: 'connect_error', message, data } handshake refused (`44{"message"}`)
 *   { kind: 'event', event, args, id? }      `42[...]`, `id` when the server wants an ack
 *   { kind: 'ack', id, args }                `43<id>[...]`
 *   { kind: 'disconnect' }                   server removed us from "/"
 *   { kind: 'unsupported', reason, raw }     anything else (binary, other namespaces, garbage)
 * Never throws: a load test must count odd frames, not crash on them.
 */
export function parseFrame(raw) {
  if (typeof raw !== 'string' || raw.length === 0) return unsupported('not a text frame', raw);
  const type = raw[0];
  const rest = raw.slice(1);
  if (type === ENGINE.OPEN) return parseOpen(rest, raw);
  if (type === ENGINE.PING) return { kind: 'ping', data: rest };
  if (type === ENGINE.PONG) return { kind: 'pong', data: rest };
  if (type === ENGINE.CLOSE) return { kind: 'close' };
  if (type === ENGINE.NOOP) return { kind: 'noop' };
  if (type === ENGINE.MESSAGE) return parseSocketPacket(rest, raw);
  return unsupported(`unknown engine.io packet type ${type}`, raw);
}

function parseOpen(json, raw) {
  const data = parseJson(json);
  if (!isObject(data) || typeof data.sid !== 'string') return unsupported('open packet without sid', raw);
  if (!Number.isFinite(data.pingInterval) || !Number.isFinite(data.pingTimeout))
    return unsupported('open packet without ping timings', raw);
  return {
    kind: 'open',
    sid: data.sid,
    pingInterval: data.pingInterval,
    pingTimeout: data.pingTimeout,
    maxPayload: Number.isFinite(data.maxPayload) ? data.maxPayload : undefined,
    upgrades: Array.isArray(data.upgrades) ? data.upgrades : [],
  };
}

function parseSocketPacket(packet, raw) {
  const type = packet[0];
  let body = packet.slice(1);
  if (body.startsWith('/')) return unsupported('namespaces other than "/" are not handled', raw);
  if (type === SOCKET.CONNECT) {
    const data = parseJson(body);
    if (!isObject(data) || typeof data.sid !== 'string') return unsupported('connect packet without sid', raw);
    return { kind: 'connect', sid: data.sid };
  }
  if (type === SOCKET.CONNECT_ERROR) {
    const data = parseJson(body);
    if (isObject(data) && typeof data.message === 'string')
      return { kind: 'connect_error', message: data.message, data: data.data };
    // Socket.IO v2-era servers sent a bare string; accept it rather than hide the refusal.
    if (typeof data === 'string') return { kind: 'connect_error', message: data, data: undefined };
    return unsupported('connect_error packet without message', raw);
  }
  if (type === SOCKET.DISCONNECT) return { kind: 'disconnect' };
  if (type !== SOCKET.EVENT && type !== SOCKET.ACK)
    return unsupported(`socket.io packet type ${type} is not handled`, raw);

  const idMatch = /^\d+/.exec(body);
  const id = idMatch ? Number(idMatch[0]) : undefined;
  if (idMatch) body = body.slice(idMatch[0].length);
  const args = parseJson(body);
  if (!Array.isArray(args)) return unsupported('event or ack without a JSON array', raw);
  if (type === SOCKET.ACK) {
    if (id === undefined) return unsupported('ack without id', raw);
    return { kind: 'ack', id, args };
  }
  if (typeof args[0] !== 'string') return unsupported('event without a name', raw);
  const event = { kind: 'event', event: args[0], args: args.slice(1) };
  if (id !== undefined) event.id = id;
  return event;
}

function parseJson(text) {
  if (text === '') return undefined;
  try {
    return JSON.parse(text);
  } catch (error) {
    return undefined;
  }
}

function isObject(value) {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function unsupported(reason, raw) {
  return { kind: 'unsupported', reason, raw };
}
