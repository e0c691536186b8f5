// presence-churn.js — users connecting, changing status and disconnecting, with subscribers.
//
// What it measures: presence fan-out under churn. WATCHERS sockets `presence:subscribe` to
// CHURNERS users and stay connected. Churner VUs loop: connect as one of those users, send
// STATUS_CHANGES `presence:setStatus` (status cycling away/busy/online, `customStatus` carrying
// "k6:<sentAt ms>"), disconnect, stay away OFFLINE_SECONDS (the user goes offline), again.
//   sb_presence_latency_ms  Trend    setStatus sent → `presence:changed` with that customStatus at a watcher
//   sb_presence_sets        Counter  status changes acknowledged with success
//   sb_presence_expected    Counter  sets × WATCHERS (each watcher should see each set)
//   sb_presence_seen        Counter  `presence:changed` carrying a k6 customStatus, at watchers
//   sb_presence_events      Counter  every `presence:changed` at watchers (online/offline included)
//   sio_ack_ms{event:presence:setStatus} and sio_connect_ms: from lib/socketio.js
// A churner user may briefly have two devices when k6 hands the same user to two VUs; that is
// churn too (the user stays online until the last device leaves).
//
// Run (see README.md):
//   k6 run -e CHURNERS=200 -e WATCHERS=20 -e DURATION=60 k6/presence-churn.js
//   k6 run --local-ips=127.0.1.1,127.0.2.1,127.0.3.1,127.0.4.1,127.0.5.1,127.0.6.1 k6/presence-churn.js
// Env: BASE_URL, JWT_SECRET | TOKENS (needs CHURNERS + WATCHERS), CHURNERS (20, ≤ 500),
//      WATCHERS (5), DURATION (30 seconds of churn), SESSION_SECONDS (3), STATUS_CHANGES (3),
//      OFFLINE_SECONDS (1).
import { check, sleep } from 'k6';
import exec from 'k6/execution';
import { Counter, Trend } from 'k6/metrics';
import { authNote, BASE_URL, identities, newRunId, numberEnv } from './lib/config.js';
import { REQUEST, SERVER_EVENT } from './lib/events.js';
import { withSocket } from './lib/socketio.js';

const CHURNERS = Math.min(500, Math.max(1, numberEnv('CHURNERS', 20)));
const WATCHERS = Math.max(1, numberEnv('WATCHERS', 5));
const DURATION = numberEnv('DURATION', 30);
const SESSION_SECONDS = Math.max(1, numberEnv('SESSION_SECONDS', 3));
const STATUS_CHANGES = numberEnv('STATUS_CHANGES', 3);
const OFFLINE_SECONDS = numberEnv('OFFLINE_SECONDS', 1);
const SUBSCRIBE_SECONDS = 3;
const STATUSES = ['away', 'busy', 'online'];
const MARK = 'k6:';

const latency = new Trend('sb_presence_latency_ms', true);
const sets = new Counter('sb_presence_sets');
const expectedSeen = new Counter('sb_presence_expected');
const seen = new Counter('sb_presence_seen');
const events = new Counter('sb_presence_events');

export const options = {
  scenarios: {
    watchers: {
      executor: 'per-vu-iterations',
      exec: 'watch',
      vus: WATCHERS,
      iterations: 1,
      maxDuration: `${SUBSCRIBE_SECONDS + DURATION + 40}s`,
    },
    churners: {
      executor: 'constant-vus',
      exec: 'churn',
      vus: CHURNERS,
      // Watchers subscribe first, so the first changes already have an audience.
      startTime: `${SUBSCRIBE_SECONDS}s`,
      duration: `${DURATION}s`,
      gracefulStop: `${SESSION_SECONDS + 10}s`,
    },
  },
  thresholds: {
    sb_presence_latency_ms: ['p(95)<500', 'p(99)<1000'],
    sb_presence_seen: ['count>0'],
    sio_connect_failed: ['rate<0.01'],
    sio_ack_failed: ['rate<0.01'],
    checks: ['rate>0.99'],
  },
};

export function setup() {
  console.log(
    `presence churn against ${BASE_URL}: ${CHURNERS} churners, ${WATCHERS} watchers, ${DURATION}s; ${authNote()}`,
  );
  return { runId: newRunId() };
}

export function watch(data) {
  const ids = identities(data.runId, 'presence');
  const index = CHURNERS + exec.scenario.iterationInTest;
  const userIds = [];
  for (let i = 0; i < CHURNERS; i++) userIds.push(ids.userIdOf(i));
  const lastMark = {};

  withSocket(
    {
      baseUrl: BASE_URL,
      // Watchers are admins: presence is visible only to users sharing a room with the target, and
      // to admins (with pre-minted TOKENS, give the watchers' tokens role admin).
      token: ids.tokenFor(index, { role: 'admin' }),
      sessionMs: (SUBSCRIBE_SECONDS + DURATION + SESSION_SECONDS + 10) * 1000,
    },
    (client) => {
      client.on(SERVER_EVENT.presenceChanged, (presence) => {
        events.add(1);
        const sentAt =
          presence && typeof presence.customStatus === 'string' && presence.customStatus.startsWith(MARK)
            ? Number(presence.customStatus.slice(MARK.length))
            : NaN;
        // An online/offline change may repeat an older customStatus: count each mark once.
        if (!Number.isFinite(sentAt) || lastMark[presence.userId] === presence.customStatus) return;
        lastMark[presence.userId] = presence.customStatus;
        seen.add(1);
        latency.add(Date.now() - sentAt);
      });
      client.on('connect', () => {
        client.request(REQUEST.presenceSubscribe, { userIds }, (res) =>
          check(res, { 'presence:subscribe succeeded': (r) => r && r.success === true }),
        );
      });
    },
  );
}

export function churn(data) {
  const ids = identities(data.runId, 'presence');
  const index = exec.scenario.iterationInTest % CHURNERS;
  const gap = (SESSION_SECONDS * 1000) / (STATUS_CHANGES + 1);

  withSocket({ baseUrl: BASE_URL, token: ids.tokenFor(index), sessionMs: SESSION_SECONDS * 1000 }, (client) => {
    client.on('connect', () => {
      for (let k = 0; k < STATUS_CHANGES; k++) {
        client.setTimeout(
          () => {
            const payload = { status: STATUSES[k % STATUSES.length], customStatus: `${MARK}${Date.now()}` };
            client.request(REQUEST.presenceSetStatus, payload, (res) => {
              if (!check(res, { 'presence:setStatus succeeded': (r) => r && r.success === true })) return;
              sets.add(1);
              expectedSeen.add(WATCHERS);
            });
          },
          gap * (k + 1),
        );
      }
    });
  });
  sleep(OFFLINE_SECONDS);
}
