// call-signaling.js — call pairs: initiate → accept → offer/answer/ICE signals → end.
//
// Each caller first creates a group room with its callee (a user may call only someone they share
// a room with). setup() probes with one `call:initiate` (ended at once): on a server without calls
// (answered `UNAVAILABLE` "call:… is not available on this server") it logs "calls are not built
// on this server" and every VU returns at once, so the run ends cleanly with nothing measured.
//
// What it measures: PAIRS caller/callee pairs, CALLS per pair, one socket
// each per call.
//   sb_call_setup_ms    Trend    call:initiate sent → call:accepted at the caller
//   sb_call_signal_ms   Trend    call:signal sent → received by the other party (sentAt in the signal)
//   sb_calls_completed  Counter  calls that went through accept, signals and end
//   sb_calls_failed     Counter  calls refused, timed out or never ended (threshold: 0)
//
// Run (see README.md):
//   k6 run -e PAIRS=50 -e CALLS=3 k6/call-signaling.js
// Env: BASE_URL, JWT_SECRET | TOKENS (needs 2 × PAIRS), PAIRS (5), CALLS (3 per pair),
//      HOLD_SECONDS (2: time between the last signal and call:end), ICE_CANDIDATES (3).
import { check } from 'k6';
import exec from 'k6/execution';
import { Counter, Trend } from 'k6/metrics';
import { authNote, BASE_URL, identities, newRunId, numberEnv } from './lib/config.js';
import { REQUEST, SERVER_EVENT } from './lib/events.js';
import { isNotAvailable } from './lib/session.js';
import { withSocket } from './lib/socketio.js';

const PAIRS = Math.max(1, numberEnv('PAIRS', 5));
const CALLS = Math.max(1, numberEnv('CALLS', 3));
const HOLD_SECONDS = numberEnv('HOLD_SECONDS', 2);
const ICE_CANDIDATES = numberEnv('ICE_CANDIDATES', 3);
const CALLEE_HEAD_START_MS = 1500;
const CALL_SESSION_MS = (HOLD_SECONDS + 15) * 1000;

const setupMs = new Trend('sb_call_setup_ms', true);
const signalMs = new Trend('sb_call_signal_ms', true);
const completed = new Counter('sb_calls_completed');
const failed = new Counter('sb_calls_failed');

export const options = {
  setupTimeout: '30s',
  scenarios: {
    pairs: {
      executor: 'per-vu-iterations',
      vus: PAIRS * 2,
      iterations: CALLS,
      maxDuration: `${CALLS * (CALL_SESSION_MS / 1000 + 5) + 30}s`,
    },
  },
  thresholds: {
    // No threshold requires samples: on a server without calls nothing is measured and the run passes.
    sb_calls_failed: ['count==0'],
    sb_call_setup_ms: ['p(95)<1000'],
    sb_call_signal_ms: ['p(95)<300'],
    checks: ['rate>0.99'],
  },
};

export function setup() {
  console.log(`call signaling against ${BASE_URL}: ${PAIRS} pairs × ${CALLS} calls; ${authNote()}`);
  const runId = newRunId();
  let probe;
  probeCalls(identities(runId, 'calls'), (response) => (probe = response));
  return { runId, callsBuilt: callsBuiltFrom(probe) };
}

/** A room shared with `userId` (so the call is allowed), then `then()`; a refusal ends with `fail(res)`. */
function shareRoomWith(client, userId, then, fail) {
  client.request(REQUEST.roomCreate, { type: 'group', name: 'k6 call', memberIds: [userId] }, (res) => {
    if (res?.success) then();
    else fail(res);
  });
}

/** One `call:initiate` (ended at once if it succeeds) to learn whether the server has calls. */
export function probeCalls(ids, done) {
  withSocket({ baseUrl: BASE_URL, token: ids.tokenFor(0), sessionMs: 15000 }, (client) => {
    const finish = (res) => {
      done(res);
      if (res?.success && res.callId) client.request(REQUEST.callEnd, { callId: res.callId }, () => client.close());
      else client.close();
    };
    client.on('connect', () => {
      shareRoomWith(
        client,
        ids.userIdOf(1),
        () => client.request(REQUEST.callInitiate, { recipientId: ids.userIdOf(1), callType: 'audio' }, finish),
        finish,
      );
    });
  });
}

/** false (with a log line) when calls are not built; throws when the probe failed otherwise. */
export function callsBuiltFrom(probe) {
  if (isNotAvailable(probe)) {
    console.warn(
      `calls are not built on this server (call:initiate answered UNAVAILABLE "${probe.error}"): nothing to measure, ending cleanly`,
    );
    return false;
  }
  if (!probe?.success) throw new Error(`call:initiate probe failed: ${JSON.stringify(probe)}`);
  return true;
}

export default function (data) {
  if (!data.callsBuilt) return;
  const ids = identities(data.runId, 'calls');
  const index = exec.vu.idInTest - 1;
  const pairBase = index - (index % 2);
  if (index % 2 === 0) caller(ids, index, ids.userIdOf(pairBase + 1));
  else callee(ids, index, ids.userIdOf(pairBase));
}

function signal(client, callId, signalType, extra) {
  client.request(REQUEST.callSignal, { callId, signalType, signal: { k6: true, sentAt: Date.now(), ...extra } });
}

function recordSignal(event) {
  const sentAt = event?.signal && typeof event.signal === 'object' ? event.signal.sentAt : undefined;
  if (typeof sentAt === 'number') signalMs.add(Date.now() - sentAt);
}

function caller(ids, index, calleeId) {
  let callId;
  let started;
  let ended = false;
  withSocket({ baseUrl: BASE_URL, token: ids.tokenFor(index), sessionMs: CALL_SESSION_MS }, (client) => {
    client.on(SERVER_EVENT.callAccepted, (event) => {
      if (!event || event.callId !== callId) return;
      setupMs.add(Date.now() - started);
      signal(client, callId, 'offer', { sdp: 'v=0 k6-offer' });
      for (let i = 0; i < ICE_CANDIDATES; i++)
        signal(client, callId, 'ice-candidate', { candidate: `k6-candidate-${i}` });
      client.setTimeout(() => {
        client.request(REQUEST.callEnd, { callId }, (res) => {
          ended = check(res, { 'call:end succeeded': (r) => r && r.success === true });
          client.close();
        });
      }, HOLD_SECONDS * 1000);
    });
    client.on(SERVER_EVENT.callSignal, recordSignal);
    client.on('connect', () => {
      const refused = (res) => {
        check(res, { 'room:create succeeded': (r) => r && r.success === true });
        client.close();
      };
      // The callee connects at the same time; give it a head start so call:incoming has a socket.
      const ring = () =>
        client.setTimeout(() => {
          started = Date.now();
          client.request(REQUEST.callInitiate, { recipientId: calleeId, callType: 'audio' }, (res) => {
            if (check(res, { 'call:initiate succeeded': (r) => r && r.success === true })) callId = res.callId;
            else client.close();
          });
        }, CALLEE_HEAD_START_MS);
      shareRoomWith(client, calleeId, ring, refused);
    });
  });
  if (ended) completed.add(1);
  else failed.add(1);
}

function callee(ids, index, callerId) {
  withSocket({ baseUrl: BASE_URL, token: ids.tokenFor(index), sessionMs: CALL_SESSION_MS }, (client) => {
    let callId;
    client.on(SERVER_EVENT.callIncoming, (event) => {
      if (!event || event.from !== callerId) return;
      callId = event.callId;
      client.request(REQUEST.callAccept, { callId }, (res) =>
        check(res, { 'call:accept succeeded': (r) => r && r.success === true }),
      );
    });
    client.on(SERVER_EVENT.callSignal, (event) => {
      recordSignal(event);
      if (event && event.callId === callId && event.signalType === 'offer')
        signal(client, callId, 'answer', { sdp: 'v=0 k6-answer' });
    });
    client.on(SERVER_EVENT.callEnded, (event) => {
      if (event && event.callId === callId) client.close();
    });
  });
}
