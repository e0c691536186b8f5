// chat-fanout.js — rooms of ROOM_SIZE members, SENDERS per room sending at RATE msg/s each.
//
// What it measures: message fan-out. setup() creates ROOMS group rooms (one owner socket,
// `room:create` with the members' ids); then every member VU connects (membership puts its socket
// in the room), `room:join`s, and waits WARMUP_SECONDS. Senders then `message:send` for
// SEND_SECONDS with `{"sentAt": <ms>}` in the content; every other member records the
// send→deliver latency when `message:new` arrives. After DRAIN_SECONDS each VU asks
// `message:history` for the room's last seq and tallies what it should have seen (seqs are
// gapless per room, so every message of the room but its own).
//   sb_fanout_latency_ms  Trend    sentAt (sender clock) → message:new at a receiver
//   sb_fanout_sent        Counter  sends acknowledged with success
//   sb_fanout_expected    Counter  deliveries every receiver should have had (others' messages)
//   sb_fanout_delivered   Counter  distinct deliveries received
//   sb_fanout_lost        Counter  expected − delivered (threshold: 0)
//   sb_fanout_duplicates  Counter  the same seq delivered twice to one socket
// Latency uses one machine's clock when k6 runs on the same machine (or hosts with synced clocks).
//
// Run (see README.md):
//   k6 run -e ROOMS=10 -e ROOM_SIZE=20 -e RATE=5 k6/chat-fanout.js
//   k6 run --local-ips=127.0.1.1,127.0.2.1,127.0.3.1,127.0.4.1,127.0.5.1,127.0.6.1 k6/chat-fanout.js
// Env: BASE_URL, JWT_SECRET | TOKENS (needs ROOMS×ROOM_SIZE + 1 tokens; the last one creates the
//      rooms), ROOMS (4), ROOM_SIZE (5), SENDERS (1 per room), RATE (2 msg/s per sender),
//      WARMUP_SECONDS (3), SEND_SECONDS (20), DRAIN_SECONDS (3).
// Rate limits apply (RATE_LIMIT_WRITE, default 100 writes per user per 10 s): keep RATE ≤ 9 and
// ROOMS ≤ 100 (one owner creates every room), or raise the server's limit.
import { check } from 'k6';
import exec from 'k6/execution';
import { Counter, Trend } from 'k6/metrics';
import { authNote, BASE_URL, identities, newRunId, numberEnv } from './lib/config.js';
import { CLIENT_SIGNAL, REQUEST, SERVER_EVENT } from './lib/events.js';
import { withSocket } from './lib/socketio.js';

const ROOMS = numberEnv('ROOMS', 4);
const ROOM_SIZE = Math.max(2, numberEnv('ROOM_SIZE', 5));
const SENDERS = Math.min(ROOM_SIZE, numberEnv('SENDERS', 1));
const RATE = numberEnv('RATE', 2);
const WARMUP_SECONDS = numberEnv('WARMUP_SECONDS', 3);
const SEND_SECONDS = numberEnv('SEND_SECONDS', 20);
const DRAIN_SECONDS = numberEnv('DRAIN_SECONDS', 3);
const MEMBERS = ROOMS * ROOM_SIZE;
const SESSION_SECONDS = WARMUP_SECONDS + SEND_SECONDS + DRAIN_SECONDS + 5;

const latency = new Trend('sb_fanout_latency_ms', true);
const sent = new Counter('sb_fanout_sent');
const expected = new Counter('sb_fanout_expected');
const delivered = new Counter('sb_fanout_delivered');
const lost = new Counter('sb_fanout_lost');
const duplicates = new Counter('sb_fanout_duplicates');

export const options = {
  setupTimeout: '60s',
  scenarios: {
    members: {
      executor: 'per-vu-iterations',
      vus: MEMBERS,
      iterations: 1,
      maxDuration: `${SESSION_SECONDS + 30}s`,
    },
  },
  thresholds: {
    sb_fanout_lost: ['count==0'],
    sb_fanout_duplicates: ['count==0'],
    sb_fanout_delivered: ['count>0'],
    sb_fanout_latency_ms: ['p(95)<500', 'p(99)<1000'],
    sio_connect_failed: ['rate==0'],
    sio_ack_failed: ['rate<0.01'],
    checks: ['rate>0.99'],
  },
};

export function setup() {
  console.log(
    `fan-out against ${BASE_URL}: ${ROOMS} rooms × ${ROOM_SIZE}, ${SENDERS} sender(s) at ${RATE}/s; ${authNote()}`,
  );
  const runId = newRunId();
  let rooms = [];
  createRooms(identities(runId, 'fanout'), runId, (created) => (rooms = created));
  const ok = rooms.filter(Boolean).length;
  if (ok !== ROOMS) throw new Error(`setup created ${ok} of ${ROOMS} rooms`);
  return { runId, rooms };
}

/** One owner socket (identity #MEMBERS) creates the rooms; `done(roomIds)` once all are answered. */
export function createRooms(ids, runId, done) {
  const rooms = [];
  let answered = 0;
  withSocket({ baseUrl: BASE_URL, token: ids.tokenFor(MEMBERS), sessionMs: 30000 }, (client) => {
    client.on('connect', () => {
      for (let r = 0; r < ROOMS; r++) {
        const memberIds = [];
        for (let p = 0; p < ROOM_SIZE; p++) memberIds.push(ids.userIdOf(r * ROOM_SIZE + p));
        client.request(REQUEST.roomCreate, { type: 'group', name: `k6 fan-out ${runId} #${r}`, memberIds }, (res) => {
          if (res && res.success) rooms[r] = res.room.id;
          else console.error(`room:create failed: ${JSON.stringify(res)}`);
          answered += 1;
          if (answered < ROOMS) return;
          done(rooms);
          client.close();
        });
      }
    });
  });
}

export default function (data) {
  const ids = identities(data.runId, 'fanout');
  const index = exec.vu.idInTest - 1;
  const roomId = data.rooms[Math.floor(index / ROOM_SIZE)];
  const me = ids.userIdOf(index);
  const isSender = index % ROOM_SIZE < SENDERS;
  const seen = {};
  const ownSeqs = {};
  let tallied = false;

  withSocket({ baseUrl: BASE_URL, token: ids.tokenFor(index), sessionMs: SESSION_SECONDS * 1000 }, (client) => {
    client.on(SERVER_EVENT.messageNew, (message) => {
      if (!message || message.roomId !== roomId) return;
      if (message.senderId === me) {
        // Own messages are not deliveries; noting their seq here also covers a lost ack.
        ownSeqs[message.seq] = true;
        return;
      }
      if (seen[message.seq]) {
        duplicates.add(1);
        return;
      }
      seen[message.seq] = true;
      const sentAt = sentAtOf(message.content);
      if (sentAt !== undefined) latency.add(Date.now() - sentAt);
    });

    client.on('connect', () => {
      client.request(REQUEST.roomJoin, { roomId }, (res) =>
        check(res, { 'room:join succeeded': (r) => r && r.success === true }),
      );
      if (isSender) startSending(client, roomId, me, ownSeqs);
      client.setTimeout(
        () => {
          client.request(REQUEST.messageHistory, { roomId, limit: 1 }, (res) => {
            if (!check(res, { 'message:history succeeded': (r) => r && r.success === true })) return client.close();
            const lastSeq = res.messages.length > 0 ? res.messages[res.messages.length - 1].seq : 0;
            // A moment more for deliveries still in flight when history answered.
            client.setTimeout(() => {
              tally(lastSeq, seen, ownSeqs);
              tallied = true;
              client.close();
            }, 1000);
          });
        },
        (WARMUP_SECONDS + SEND_SECONDS + DRAIN_SECONDS) * 1000,
      );
    });
  });
  check(tallied, { 'fan-out tallied': (t) => t === true });
}

function startSending(client, roomId, me, ownSeqs) {
  let sending = false;
  let n = 0;
  client.setTimeout(() => {
    sending = true;
    client.setInterval(
      () => {
        if (!sending) return;
        n += 1;
        client.emit(CLIENT_SIGNAL.typingStart, { roomId });
        const content = JSON.stringify({ k6: 'fanout', sentAt: Date.now(), n });
        client.request(REQUEST.messageSend, { roomId, content, clientMessageId: `${me}-${n}` }, (res) => {
          if (!res || !res.success) return;
          sent.add(1);
          ownSeqs[res.message.seq] = true;
        });
      },
      Math.max(1, Math.floor(1000 / Math.max(RATE, 0.001))),
    );
  }, WARMUP_SECONDS * 1000);
  client.setTimeout(
    () => {
      sending = false;
    },
    (WARMUP_SECONDS + SEND_SECONDS) * 1000,
  );
}

function tally(lastSeq, seen, ownSeqs) {
  let should = 0;
  let got = 0;
  for (let seq = 1; seq <= lastSeq; seq++) {
    if (ownSeqs[seq]) continue;
    should += 1;
    if (seen[seq]) got += 1;
  }
  expected.add(should);
  delivered.add(got);
  lost.add(should - got);
}

function sentAtOf(content) {
  try {
    const parsed = JSON.parse(content);
    return parsed && typeof parsed.sentAt === 'number' ? parsed.sentAt : undefined;
  } catch (error) {
    return undefined;
  }
}
