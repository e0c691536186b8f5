// k6 cannot run here (see k6/README.md), so this file tests what the k6 scripts are built on:
// the framing, session and JWT code in k6/lib (pure JS, shared verbatim with k6) against
// socket.io-parser and jsonwebtoken, then against a REAL gateway + messaging + presence over a
// raw WebSocket, and finally the scenarios' own functions on an emulated k6/ws (k6/testing/).
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { MemoryBus } from '@switchboard/bus';
import { REPO_ROOT } from '@switchboard/db';
import { ioBroadcaster } from '@switchboard/gateway';
import type { RunningService } from '@switchboard/host';
import { start as startMessaging } from '@switchboard/messaging';
import { start as startPresence } from '@switchboard/presence';
import {
  AUTH_ERRORS,
  CLIENT_SIGNALS,
  isClientSignalName,
  isRequestName,
  REQUESTS,
  SERVER_EVENTS,
} from '@switchboard/protocol';
import { createMetrics, createTokenVerifier, DEV_JWT_SECRET, signToken } from '@switchboard/runtime';
import { createTestDatabase, type TestDatabase, testLogger, waitFor } from '@switchboard/testkit';
import { Decoder, Encoder, type Packet, PacketType } from 'socket.io-parser';
import { WebSocket } from 'ws';
import { CLIENT_SIGNAL, REQUEST, SERVER_EVENT } from '../../../k6/lib/events.js';
import {
  encodeAck,
  encodeConnect,
  encodeDisconnect,
  encodeEvent,
  encodePong,
  encodeRequest,
  parseFrame,
  socketIoUrl,
} from '../../../k6/lib/framing.js';
import { createIdentities, DEV_JWT_SECRET as K6_DEV_SECRET, splitList } from '../../../k6/lib/identities.js';
import {
  base64UrlFromBytes,
  bytesFromBase64Url,
  decodeClaims,
  mintToken,
  utf8Bytes,
  utf8Decode,
} from '../../../k6/lib/jwt.js';
import { type AckLike, createSession, isNotAvailable } from '../../../k6/lib/session.js';
import { type K6Record, loadWithK6Stubs, runWithK6Stubs } from '../../../k6/testing/k6-stubs.ts';
import { openRaw, type RawClient } from '../../../k6/testing/raw-client.ts';
import { startTestGateway, TEST_SECRET, type TestGateway } from '../../../services/gateway/src/test-harness.ts';

const K6_DIR = path.join(REPO_ROOT, 'k6');
const SCENARIOS = ['connect.js', 'chat-fanout.js', 'presence-churn.js', 'call-signaling.js'];
const totalOf = (record: K6Record) => (metric: string) =>
  record.samples.filter((s) => s.metric === metric).reduce((sum, s) => sum + s.value, 0);
const hmac = (secret: string, data: string) => crypto.createHmac('sha256', secret).update(data).digest('base64url');

function sioDecode(wire: string): Packet {
  const decoder = new Decoder();
  let packet: Packet | undefined;
  decoder.on('decoded', (p: Packet) => (packet = p));
  decoder.add(wire);
  assert.ok(packet, `socket.io-parser decoded ${wire}`);
  return packet;
}

describe('k6 framing (Engine.IO v4 / Socket.IO v5)', () => {
  const encoder = new Encoder();
  const wire = (packet: Packet) => `4${encoder.encode(packet)[0] as string}`;

  test('encodings equal what socket.io-parser produces, and it decodes them back', () => {
    const payload = { roomId: 'r1', content: 'héllo "q" 🚀' };
    assert.equal(
      encodeRequest(12, 'message:send', payload),
      wire({ type: PacketType.EVENT, nsp: '/', data: ['message:send', payload], id: 12 }),
    );
    assert.equal(
      encodeEvent('typing:start', { roomId: 'r1' }),
      wire({ type: PacketType.EVENT, nsp: '/', data: ['typing:start', { roomId: 'r1' }] }),
    );
    assert.equal(
      encodeConnect({ token: 't.k.n' }),
      wire({ type: PacketType.CONNECT, nsp: '/', data: { token: 't.k.n' } }),
    );
    assert.equal(encodeAck(3, [{ ok: 1 }]), wire({ type: PacketType.ACK, nsp: '/', data: [{ ok: 1 }], id: 3 }));
    assert.equal(encodeDisconnect(), '41');
    assert.equal(encodePong(), '3');
    assert.deepEqual(sioDecode(encodeRequest(0, 'room:join', { roomId: 'x' }).slice(1)), {
      type: PacketType.EVENT,
      nsp: '/',
      id: 0,
      data: ['room:join', { roomId: 'x' }],
    });
    assert.throws(() => encodeRequest(-1, 'room:join', {}), /non-negative integer/);
    assert.throws(() => encodeEvent('', {}), /non-empty/);
  });

  test('server packets from socket.io-parser parse into tagged frames', () => {
    assert.deepEqual(parseFrame(wire({ type: PacketType.CONNECT, nsp: '/', data: { sid: 'abc' } })), {
      kind: 'connect',
      sid: 'abc',
    });
    assert.deepEqual(
      parseFrame(wire({ type: PacketType.CONNECT_ERROR, nsp: '/', data: { message: 'nope', data: { a: 1 } } })),
      { kind: 'connect_error', message: 'nope', data: { a: 1 } },
    );
    assert.deepEqual(parseFrame(wire({ type: PacketType.EVENT, nsp: '/', data: ['message:new', { seq: 1 }] })), {
      kind: 'event',
      event: 'message:new',
      args: [{ seq: 1 }],
    });
    assert.deepEqual(parseFrame(wire({ type: PacketType.EVENT, nsp: '/', data: ['ask', 1, 2], id: 5 })), {
      kind: 'event',
      event: 'ask',
      args: [1, 2],
      id: 5,
    });
    assert.deepEqual(parseFrame(wire({ type: PacketType.ACK, nsp: '/', data: [{ success: true }], id: 123 })), {
      kind: 'ack',
      id: 123,
      args: [{ success: true }],
    });
    assert.deepEqual(parseFrame('41'), { kind: 'disconnect' });
  });

  test('engine.io packets: open with timings, ping (with and without probe), close, noop', () => {
    const open = parseFrame(
      '0{"sid":"s1","upgrades":[],"pingInterval":25000,"pingTimeout":20000,"maxPayload":1000000}',
    );
    assert.deepEqual(open, {
      kind: 'open',
      sid: 's1',
      pingInterval: 25000,
      pingTimeout: 20000,
      maxPayload: 1000000,
      upgrades: [],
    });
    assert.deepEqual(parseFrame('2'), { kind: 'ping', data: '' });
    assert.deepEqual(parseFrame('3probe'), { kind: 'pong', data: 'probe' });
    assert.deepEqual(parseFrame('1'), { kind: 'close' });
    assert.deepEqual(parseFrame('6'), { kind: 'noop' });
  });

  test('anything else is reported as unsupported, never thrown', () => {
    for (const raw of [
      '',
      '9',
      '0{"sid":1}',
      '0not json',
      '40/admin,{"sid":"x"}',
      '451-["bin",{"_placeholder":true,"num":0}]',
      '42{"not":"array"}',
      '42[1]',
      '43[1]',
      '44{}',
      undefined,
      42,
    ]) {
      const frame = parseFrame(raw);
      assert.equal(frame.kind, 'unsupported', `${JSON.stringify(raw)} → ${JSON.stringify(frame)}`);
    }
  });

  test('socketIoUrl turns an http base URL into the websocket transport URL', () => {
    assert.equal(socketIoUrl('http://127.0.0.1:8080/'), 'ws://127.0.0.1:8080/socket.io/?EIO=4&transport=websocket');
    assert.equal(
      socketIoUrl('https://chat.example.org'),
      'wss://chat.example.org/socket.io/?EIO=4&transport=websocket',
    );
    assert.equal(socketIoUrl('ws://h:1'), 'ws://h:1/socket.io/?EIO=4&transport=websocket');
  });
});

describe('k6 JWT minting', () => {
  test('base64url and UTF-8 match node Buffer on every length and on astral characters', () => {
    for (let n = 0; n < 40; n++) {
      const bytes = [...crypto.randomBytes(n)];
      const encoded = base64UrlFromBytes(bytes);
      assert.equal(encoded, Buffer.from(bytes).toString('base64url'));
      assert.deepEqual(bytesFromBase64Url(encoded), bytes);
    }
    for (const text of ['', 'plain', 'Zoë', '€ 100', '🚀 emoji', '中文']) {
      assert.deepEqual(utf8Bytes(text), [...Buffer.from(text, 'utf8')]);
      assert.equal(utf8Decode(utf8Bytes(text)), text);
    }
    assert.throws(() => bytesFromBase64Url('a+b/'), /not base64url/);
  });

  test('a minted token verifies with the gateway verifier, claims intact', () => {
    const token = mintToken(
      { sub: 'u-1', name: 'Zoë 🚀', role: 'admin', phone: '+1 (555) 010-2030' },
      'k6-secret',
      hmac,
    );
    assert.deepEqual(createTokenVerifier({ secret: 'k6-secret' }).verify(token), {
      userId: 'u-1',
      name: 'Zoë 🚀',
      role: 'admin',
      phone: '+15550102030',
    });
    assert.equal(decodeClaims(token).sub, 'u-1');
  });

  test('an expired or foreign-signed token is refused with the exact messages', () => {
    const verifier = createTokenVerifier({ secret: 'k6-secret' });
    assert.throws(() => verifier.verify(mintToken({ sub: 'u', expiresInSeconds: -10 }, 'k6-secret', hmac)), {
      message: AUTH_ERRORS.tokenExpired,
    });
    assert.throws(() => verifier.verify(mintToken({ sub: 'u' }, 'other-secret', hmac)), {
      message: AUTH_ERRORS.invalidToken,
    });
    assert.throws(() => mintToken({ sub: '' }, 'k6-secret', hmac), /needs a sub/);
  });

  test('identities mint per index, or read user ids from pre-minted TOKENS', () => {
    assert.equal(K6_DEV_SECRET, DEV_JWT_SECRET);
    const minted = createIdentities({ prefix: 'k6-x-1', hmac });
    assert.equal(minted.userIdOf(3), 'k6-x-1-3');
    assert.equal(createTokenVerifier({ secret: DEV_JWT_SECRET }).verify(minted.tokenFor(3)).userId, 'k6-x-1-3');

    const tokens = splitList(` ${signToken('s', 'alice')} , ${signToken('s', 'bob')} ,`);
    assert.equal(tokens?.length, 2);
    const given = createIdentities({ tokens, prefix: 'unused', hmac });
    assert.deepEqual([given.userIdOf(0), given.userIdOf(1), given.count], ['alice', 'bob', 2]);
    assert.throws(() => given.tokenFor(2), /needs token #3 but TOKENS has 2/);
    assert.equal(splitList(''), undefined);
  });
});

describe('k6 scripts agree with the protocol', () => {
  const scripts = fs
    .readdirSync(K6_DIR, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.js'))
    .map((f) => path.join(K6_DIR, f));

  test('every event name in k6/lib/events.js exists in @switchboard/protocol', () => {
    for (const name of Object.values(REQUEST)) assert.ok(isRequestName(name), `${name} is not in REQUESTS`);
    for (const name of Object.values(SERVER_EVENT))
      assert.ok((SERVER_EVENTS as readonly string[]).includes(name), `${name} is not in SERVER_EVENTS`);
    for (const name of Object.values(CLIENT_SIGNAL))
      assert.ok(isClientSignalName(name), `${name} is not in CLIENT_SIGNALS`);
  });

  test('no k6 script spells an event name outside lib/events.js', () => {
    const names = [...Object.keys(REQUESTS), ...SERVER_EVENTS, ...Object.keys(CLIENT_SIGNALS)];
    for (const file of scripts.filter((f) => !f.endsWith(path.join('lib', 'events.js')))) {
      const text = fs.readFileSync(file, 'utf8');
      for (const name of names)
        assert.ok(
          !text.includes(`'${name}'`) && !text.includes(`"${name}"`),
          `${path.relative(REPO_ROOT, file)} spells '${name}'`,
        );
    }
  });

  test('every k6 file loads with k6 stubbed; each scenario has scenarios, exec functions and thresholds on metrics it defines', () => {
    assert.ok(scripts.length >= 11, `found ${scripts.length} scripts`);
    const loaded = loadWithK6Stubs(scripts);
    assert.deepEqual(Object.keys(loaded.modules).sort(), [...scripts].sort());
    for (const file of SCENARIOS) {
      const { options, exports } = loaded.modules[path.join(K6_DIR, file)] ?? assert.fail(`${file} did not load`);
      assert.ok(exports.includes('setup'), `${file} exports setup`);
      const scenarios = Object.entries(options.scenarios ?? {});
      assert.ok(scenarios.length > 0, `${file} has scenarios`);
      for (const [name, scenario] of scenarios)
        assert.ok(exports.includes(scenario.exec ?? 'default'), `${file}: scenario ${name} runs an exported function`);
      const thresholds = Object.keys(options.thresholds ?? {});
      assert.ok(thresholds.length > 0, `${file} has thresholds`);
      for (const key of thresholds) {
        const metric = key.replace(/\{.*$/, '');
        assert.ok(
          metric === 'checks' || loaded.metrics.includes(metric),
          `${file}: threshold on undefined metric ${metric}`,
        );
      }
    }
  });
});

describe('k6 library and scenarios against a real gateway, messaging and presence', () => {
  let database: TestDatabase;
  let bus: MemoryBus;
  let gw: TestGateway;
  let messaging: RunningService;
  let presence: RunningService;
  let url: string;
  const clients: RawClient[] = [];

  before(async () => {
    database = await createTestDatabase('k6_framing');
    bus = new MemoryBus({ timeoutMs: 5000 });
    await bus.handle('call-signaling', {}); // as services/call-signaling does today: no commands yet
    gw = await startTestGateway({ bus });
    const verifier = createTokenVerifier({ secret: TEST_SECRET });
    const broadcaster = ioBroadcaster(gw.gateway.io);
    const deps = { config: gw.config, bus, db: database.db, broadcaster, verifier };
    messaging = await startMessaging({ ...deps, log: testLogger('messaging'), metrics: createMetrics('messaging') });
    presence = await startPresence({ ...deps, log: testLogger('presence'), metrics: createMetrics('presence') });
    url = socketIoUrl(gw.url);
  });
  after(async () => {
    for (const client of clients) client.close();
    await gw.close();
    await messaging.close();
    await presence.close();
    await bus.close();
    await database.drop();
  });

  function raw(options?: { autoPong?: boolean }): RawClient {
    const client = openRaw(url, options);
    clients.push(client);
    return client;
  }

  async function connect(userId: string): Promise<RawClient> {
    const client = raw();
    await client.next('open');
    client.send(encodeConnect({ token: gw.token(userId) }));
    await client.next('connect');
    await client.next('event', (f) => f.event === SERVER_EVENT.connected);
    return client;
  }

  test('open → 40{token} → 40{sid} → `connected`, with the open packet timings parsed', async () => {
    const client = raw();
    const open = await client.next('open');
    assert.equal(typeof open.sid, 'string');
    assert.ok(open.pingInterval > 0 && open.pingTimeout > 0);
    client.send(encodeConnect({ token: gw.token('carol') }));
    const accepted = await client.next('connect');
    const connected = await client.next('event', (f) => f.event === SERVER_EVENT.connected);
    const hello = connected.args[0] as { userId: string; socketId: string; serverId: string; rooms: string[] };
    assert.deepEqual(
      [hello.userId, hello.socketId, hello.serverId, hello.rooms],
      ['carol', accepted.sid, 'gw-test', []],
    );
  });

  test('requests carry ack ids; acks come back as 43<id>; a room message fans out to the other member', async () => {
    const bob = await connect('bob');
    const alice = await connect('alice');
    alice.send(encodeRequest(7, REQUEST.roomCreate, { type: 'group', name: 'k6', memberIds: ['bob'] }));
    const created = await alice.next('ack', (f) => f.id === 7);
    const room = (created.args[0] as { success: boolean; room: { id: string } }).room;
    assert.equal(typeof room.id, 'string');

    const sentAt = Date.now();
    alice.send(encodeRequest(8, REQUEST.messageSend, { roomId: room.id, content: JSON.stringify({ sentAt }) }));
    assert.equal(((await alice.next('ack', (f) => f.id === 8)).args[0] as AckLike).success, true);
    const delivered = await bob.next('event', (f) => f.event === SERVER_EVENT.messageNew);
    const message = delivered.args[0] as { roomId: string; senderId: string; seq: number; content: string };
    assert.deepEqual(
      [message.roomId, message.senderId, message.seq, JSON.parse(message.content).sentAt],
      [room.id, 'alice', 1, sentAt],
    );

    alice.send(encodeRequest(9, REQUEST.messageSend, { roomId: room.id, content: '' }));
    assert.deepEqual((await alice.next('ack', (f) => f.id === 9)).args[0], {
      success: false,
      code: 'INVALID_PAYLOAD',
      error: 'Message content is required',
    });
  });

  test('a call request on a server without calls is recognised as "not built"', async () => {
    const alice = await connect('alice-calls');
    alice.send(encodeRequest(1, REQUEST.callInitiate, { recipientId: 'bob', callType: 'audio' }));
    const ack = (await alice.next('ack', (f) => f.id === 1)).args[0];
    assert.ok(isNotAvailable(ack), JSON.stringify(ack));
    assert.equal(isNotAvailable({ success: false, code: 'UNAVAILABLE', error: 'Messaging is overloaded' }), false);
  });

  test('server pings are answered with pongs and keep the socket alive; without pongs it is dropped', async () => {
    const opts = gw.gateway.io.engine.opts;
    const saved = { pingInterval: opts.pingInterval, pingTimeout: opts.pingTimeout };
    Object.assign(opts, { pingInterval: 40, pingTimeout: 200 });
    try {
      const polite = raw();
      assert.equal((await polite.next('open')).pingInterval, 40);
      polite.send(encodeConnect({ token: gw.token('pinger') }));
      await polite.next('connect');
      for (let i = 0; i < 4; i++) await polite.next('ping');
      polite.send(encodeRequest(1, REQUEST.roomCreate, { type: 'group' }));
      const ack = await polite.next('ack', (f) => f.id === 1); // still served after several ping rounds
      assert.equal((ack.args[0] as AckLike).success, true);

      const silent = raw({ autoPong: false });
      await silent.next('open');
      silent.send(encodeConnect({ token: gw.token('silent') }));
      await silent.next('connect');
      await silent.closed;
    } finally {
      Object.assign(opts, saved);
    }
  });

  test('handshake refusals arrive as 44{"message"} with the exact texts', async () => {
    const cases: [object | undefined, string][] = [
      [{ token: 'not-a-jwt' }, AUTH_ERRORS.invalidToken],
      [undefined, AUTH_ERRORS.noToken],
      [{ token: mintToken({ sub: 'late', expiresInSeconds: -10 }, TEST_SECRET, hmac) }, AUTH_ERRORS.tokenExpired],
    ];
    for (const [auth, message] of cases) {
      const client = raw();
      await client.next('open');
      client.send(encodeConnect(auth));
      assert.equal((await client.next('connect_error')).message, message);
      assert.ok(client.texts.some((t) => t.startsWith(`44{"message":${JSON.stringify(message)}`)));
    }
  });

  test("call-signaling.js's probe recognises a server without calls, and its VUs then do nothing", async () => {
    const record = await runWithK6Stubs(
      `
      const calls = await import(${JSON.stringify(pathToFileURL(path.join(K6_DIR, 'call-signaling.js')).href)});
      const { identities } = await import(${JSON.stringify(pathToFileURL(path.join(K6_DIR, 'lib', 'config.js')).href)});
      globalThis.__k6.extra = {};
      calls.probeCalls(identities('t1', 'calls'), (response) => (globalThis.__k6.extra.probe = response));
      await until(() => globalThis.__k6.extra.probe);
      globalThis.__k6.extra.callsBuilt = calls.callsBuiltFrom(globalThis.__k6.extra.probe);
      calls.default({ runId: 't1', callsBuilt: false });
      await untilClosed(1);`,
      { BASE_URL: gw.url, JWT_SECRET: TEST_SECRET },
    );
    assert.deepEqual(record.extra?.probe, {
      success: false,
      code: 'UNAVAILABLE',
      error: 'call:initiate is not available on this server',
    });
    assert.equal(record.extra?.callsBuilt, false);
    assert.equal(record.dials, 1, 'only the probe opened a socket');
  });

  test('socketio.js on an emulated k6/ws: refusals become failed checks, acks become metrics', async () => {
    const record = await runWithK6Stubs(`
      const { withSocket } = await import(${JSON.stringify(pathToFileURL(path.join(K6_DIR, 'lib', 'socketio.js')).href)});
      withSocket({ baseUrl: ${JSON.stringify(gw.url)}, token: 'not-a-jwt', sessionMs: 3000 }, () => {});
      await untilClosed(1);
      withSocket({ baseUrl: ${JSON.stringify(gw.url)}, token: ${JSON.stringify(gw.token('glue'))}, sessionMs: 3000 }, (client) => {
        client.on('connect', () => client.request(${JSON.stringify(REQUEST.roomCreate)}, { type: 'group' }, () => client.close()));
      });
      await untilClosed(2);`);
    const connectChecks = record.checks.filter((c) => c.name === 'socket.io connect accepted');
    assert.deepEqual(
      connectChecks.map((c) => [c.ok, c.tags.error]),
      [
        [false, AUTH_ERRORS.invalidToken],
        [true, undefined],
      ],
    );
    const samples = (metric: string) => record.samples.filter((s) => s.metric === metric);
    assert.deepEqual(
      samples('sio_connect_failed').map((s) => s.value),
      [1, 0],
    );
    assert.equal(samples('sio_connect_ms').length, 1);
    assert.deepEqual(
      samples('sio_ack_failed').map((s) => [s.value, s.tags.event]),
      [[0, REQUEST.roomCreate]],
    );
    assert.equal(samples('sio_ack_ms')[0]?.tags.event, REQUEST.roomCreate);
  });

  test('chat-fanout.js (emulated k6/ws): createRooms, then member VUs count every delivery, and a message sent before they connected as lost', async () => {
    const runId = `t${Date.now()}`;
    const script = JSON.stringify(pathToFileURL(path.join(K6_DIR, 'chat-fanout.js')).href);
    const env = {
      BASE_URL: gw.url,
      JWT_SECRET: TEST_SECRET,
      ROOMS: '1',
      ROOM_SIZE: '2',
      RATE: '5',
      WARMUP_SECONDS: '1',
      SEND_SECONDS: '1',
      DRAIN_SECONDS: '0.5',
    };
    const setup = await runWithK6Stubs(
      `
      const fanout = await import(${script});
      const { identities } = await import(${JSON.stringify(pathToFileURL(path.join(K6_DIR, 'lib', 'config.js')).href)});
      fanout.createRooms(identities(${JSON.stringify(runId)}, 'fanout'), ${JSON.stringify(runId)}, (rooms) => (globalThis.__k6.extra = { rooms }));
      await untilClosed(1);`,
      env,
    );
    const roomId = (setup.extra?.rooms as string[])[0] ?? assert.fail('createRooms created no room');

    // The owner (identity #2, as setup() uses) posts before any member VU is connected.
    const owner = await connect(`k6-fanout-${runId}-2`);
    owner.send(encodeRequest(1, REQUEST.messageSend, { roomId, content: 'before anyone listened' }));
    assert.equal(((await owner.next('ack', (f) => f.id === 1)).args[0] as AckLike).success, true);

    const record = await runWithK6Stubs(
      `
      const fanout = await import(${script});
      const data = { runId: ${JSON.stringify(runId)}, rooms: [${JSON.stringify(roomId)}] };
      for (const vu of [1, 2]) {
        globalThis.__exec.vu.idInTest = vu;
        fanout.default(data);
      }
      await untilClosed(2);`,
      env,
    );
    const total = totalOf(record);
    const sent = total('sb_fanout_sent');
    assert.ok(sent > 0, 'the sender VU sent');
    // Both VUs expected the early message; only the receiver expected the sender's messages.
    assert.deepEqual(
      {
        expected: total('sb_fanout_expected'),
        delivered: total('sb_fanout_delivered'),
        lost: total('sb_fanout_lost'),
        duplicates: total('sb_fanout_duplicates'),
      },
      { expected: sent + 2, delivered: sent, lost: 2, duplicates: 0 },
    );
    assert.equal(record.samples.filter((s) => s.metric === 'sb_fanout_latency_ms').length, sent);
    assert.ok(
      record.checks.filter((c) => c.name === 'room:join succeeded').length === 2 &&
        record.checks.every((c) => c.name === 'fan-out tallied' || c.ok),
    );
  });

  test("connect.js's iteration (emulated k6/ws) records the handshake and the connection", async () => {
    const env = { BASE_URL: gw.url, JWT_SECRET: TEST_SECRET, HOLD_SECONDS: '0' };
    const record = await runWithK6Stubs(
      `
      const storm = await import(${JSON.stringify(pathToFileURL(path.join(K6_DIR, 'connect.js')).href)});
      storm.default({ runId: 'c1' });
      await untilClosed(1);`,
      env,
    );
    assert.equal(totalOf(record)('sb_connects'), 1);
    assert.equal(record.samples.filter((s) => s.metric === 'sb_connect_handshake_ms').length, 1);
    assert.deepEqual(
      record.checks.map((c) => [c.name, c.ok]),
      [['socket.io connect accepted', true]],
    );
  });

  test("presence-churn.js's watcher sees each status change of a churner (emulated k6/ws, real presence service)", async () => {
    const env = {
      BASE_URL: gw.url,
      JWT_SECRET: TEST_SECRET,
      CHURNERS: '1',
      WATCHERS: '1',
      DURATION: '0',
      SESSION_SECONDS: '1',
      STATUS_CHANGES: '2',
      OFFLINE_SECONDS: '0',
    };
    const record = await runWithK6Stubs(
      `
      const churn = await import(${JSON.stringify(pathToFileURL(path.join(K6_DIR, 'presence-churn.js')).href)});
      const data = { runId: ${JSON.stringify(`t${Date.now()}`)} };
      churn.watch(data);
      await until(() => globalThis.__k6.checks.some((c) => c.name === 'presence:subscribe succeeded'));
      churn.churn(data);
      await untilClosed(1);
      await until(() => total('sb_presence_seen') >= total('sb_presence_sets'));`,
      env,
    );
    const total = totalOf(record);
    assert.deepEqual([total('sb_presence_sets'), total('sb_presence_expected'), total('sb_presence_seen')], [2, 2, 2]);
    assert.equal(record.samples.filter((s) => s.metric === 'sb_presence_latency_ms').length, 2);
    assert.ok(
      record.checks.every((c) => c.ok),
      JSON.stringify(record.checks.filter((c) => !c.ok)),
    );
  });

  test('session.js (the k6 client core) connects, requests, emits and leaves over a real socket', async () => {
    const bob = await connect('bob-s');
    const ws = new WebSocket(url);
    const session = createSession({ send: (text) => ws.send(text), auth: { token: gw.token('alice-s') } });
    ws.on('message', (data) => session.receive(String(data)));
    const connected = new Promise<{ elapsedMs: number }>((resolve) => session.on('connect', resolve));
    const hello = new Promise<{ userId: string }>((resolve) => session.on(SERVER_EVENT.connected, resolve));
    assert.ok((await connected).elapsedMs >= 0);
    assert.equal((await hello).userId, 'alice-s');

    const response = await new Promise<AckLike | undefined>((resolve) =>
      session.request(REQUEST.roomCreate, { type: 'group', memberIds: ['bob-s'] }, resolve),
    );
    const roomId = (response?.room as { id: string }).id;
    assert.deepEqual(session.pendingRequests(), []);
    session.emit(CLIENT_SIGNAL.typingStart, { roomId });
    const typing = await bob.next('event', (f) => f.event === CLIENT_SIGNAL.typingStart);
    assert.deepEqual(typing.args[0], { roomId, userId: 'alice-s' });

    const before = gw.gateway.io.of('/').sockets.size;
    session.disconnect();
    await waitFor(() => gw.gateway.io.of('/').sockets.size === before - 1, {
      what: 'the server to drop the socket after 41',
    });
    assert.equal(session.state.connected, false);
    ws.terminate();
  });
});
