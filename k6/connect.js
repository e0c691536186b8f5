// connect.js — connection storm.
//
// What it measures: how fast Switchboard accepts authenticated Socket.IO connections. New
// connections arrive at CONNECT_RATE per second for DURATION; each one dials the WebSocket, sends
// `40{"token"}`, waits for the server's `connected` event, holds the socket HOLD_SECONDS (so open
// sockets pile up, like a reconnect storm after a deploy), then leaves.
//   sb_connect_handshake_ms  Trend   dial → `connected` event (JWT check + session:open included)
//   sb_connect_failed        Rate    attempts that never got `connected`
//   sb_connects              Counter successful connections (its rate is the connect rate)
//   sio_connect_ms / sio_connect_failed / checks: from lib/socketio.js
//
// Run (k6 installed separately; see README.md):
//   k6 run -e BASE_URL=http://127.0.0.1:8080 -e JWT_SECRET=... k6/connect.js
//   k6 run --local-ips=127.0.1.1,127.0.2.1,127.0.3.1,127.0.4.1,127.0.5.1,127.0.6.1 \
//          -e CONNECT_RATE=200 -e DURATION=60s -e HOLD_SECONDS=20 k6/connect.js
// Env: BASE_URL, JWT_SECRET | TOKENS, CONNECT_RATE (50), DURATION (30s), HOLD_SECONDS (5),
//      USERS (1000: distinct user ids cycled through), MAX_VUS (CONNECT_RATE × (HOLD_SECONDS + 5)).

import exec from 'k6/execution';
import { Counter, Rate, Trend } from 'k6/metrics';
import { authNote, BASE_URL, env, identities, newRunId, numberEnv } from './lib/config.js';
import { SERVER_EVENT } from './lib/events.js';
import { withSocket } from './lib/socketio.js';

const CONNECT_RATE = numberEnv('CONNECT_RATE', 50);
const HOLD_SECONDS = numberEnv('HOLD_SECONDS', 5);
const USERS = numberEnv('USERS', 1000);
const MAX_VUS = numberEnv('MAX_VUS', Math.ceil(CONNECT_RATE * (HOLD_SECONDS + 5)));

const handshakeMs = new Trend('sb_connect_handshake_ms', true);
const connectFailed = new Rate('sb_connect_failed');
const connects = new Counter('sb_connects');

export const options = {
  scenarios: {
    storm: {
      executor: 'constant-arrival-rate',
      rate: CONNECT_RATE,
      timeUnit: '1s',
      duration: env('DURATION', '30s'),
      preAllocatedVUs: Math.min(MAX_VUS, Math.ceil(CONNECT_RATE * (HOLD_SECONDS + 1))),
      maxVUs: MAX_VUS,
      gracefulStop: `${HOLD_SECONDS + 15}s`,
    },
  },
  thresholds: {
    sb_connect_failed: ['rate<0.01'],
    sb_connect_handshake_ms: ['p(95)<1000', 'p(99)<2000'],
    checks: ['rate>0.99'],
  },
};

export function setup() {
  console.log(`connect storm against ${BASE_URL}: ${CONNECT_RATE}/s, hold ${HOLD_SECONDS}s; ${authNote()}`);
  return { runId: newRunId() };
}

export default function (data) {
  const ids = identities(data.runId, 'connect');
  const index = exec.scenario.iterationInTest % (ids.count || USERS);
  const started = Date.now();
  let gotConnected = false;

  withSocket({ baseUrl: BASE_URL, token: ids.tokenFor(index), sessionMs: (HOLD_SECONDS + 10) * 1000 }, (client) => {
    client.on(SERVER_EVENT.connected, () => {
      gotConnected = true;
      handshakeMs.add(Date.now() - started);
      connects.add(1);
      client.setTimeout(() => client.close(), HOLD_SECONDS * 1000);
    });
  });
  connectFailed.add(!gotConnected);
}
