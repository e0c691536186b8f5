// Property-based fuzzing (fast-check, seeded): every client request (REQUESTS and the gateway's
// own GATEWAY_REQUESTS) and every REST route the routers serve gets generated garbage — wrong
// types, thousands of levels of nesting, prototype-pollution keys, huge arrays and strings, NUL
// and lone surrogates — through the real gateway and services (the embedded composition, in this
// process: see fuzz/server.ts). Every answer must keep the ack contract; afterwards the process
// must be healthy and unpolluted. FUZZ_SEED / FUZZ_RUNS reproduce or widen a run.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { GATEWAY_REQUESTS, REQUESTS, type RoomCreateResult } from '@switchboard/protocol';
import fc from 'fast-check';
import { io, type Socket } from 'socket.io-client';
import { WebSocket } from 'ws';
import { deepJsonText, hostileValue, mutationsOf, spliceJson } from './fuzz/arbitraries.ts';
import { ackProblem, restProblem } from './fuzz/contract.ts';
import { enumerateRoutes, fillPath, type RestRoute } from './fuzz/routes.ts';
import { requestSeeds, restSeeds, type SeedContext } from './fuzz/seeds.ts';
import { FUZZ_API_KEY, type InProcessServer, startInProcessServer } from './fuzz/server.ts';

const SEED = Number(process.env.FUZZ_SEED ?? 20_240_613);
const RUNS = Number(process.env.FUZZ_RUNS ?? 1);
const ACK_TIMEOUT_MS = 15_000;
const NAMES = [...Object.keys(REQUESTS), ...Object.keys(GATEWAY_REQUESTS)];
const PROTOTYPES = [Object.prototype, Array.prototype, Function.prototype, String.prototype];
const snapshot = () => PROTOTYPES.map((p) => Object.getOwnPropertyNames(p).sort().join(','));

function connect(url: string, token: string): Promise<Socket> {
  const socket = io(url, { auth: { token }, transports: ['websocket'], forceNew: true, reconnection: false });
  return new Promise((resolve, reject) => {
    socket.once('connected', () => resolve(socket));
    socket.once('connect_error', reject);
  });
}

function ask(socket: Socket, event: string, ...args: unknown[]): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ack to ${event} within ${ACK_TIMEOUT_MS} ms`)), ACK_TIMEOUT_MS);
    socket.emit(event, ...args, (response: unknown) => {
      clearTimeout(timer);
      resolve(response);
    });
  });
}

let rawAckId = 1_000_000;
/**
 * Emit a request as raw Socket.IO frame text, the way a hostile client would (no encoder in the
 * way), and resolve with the ack — or with `dropped` if the server closed the socket instead.
 */
function askRaw(socket: Socket, event: string, payloadJson: string): Promise<unknown> {
  const id = ++rawAckId;
  const raw = socket as unknown as {
    acks: Record<number, (...args: unknown[]) => void>;
    io: { engine: { write(data: string): void } };
  };
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`no ack to raw ${event} within ${ACK_TIMEOUT_MS} ms`)),
      ACK_TIMEOUT_MS,
    );
    const dropped = () => {
      clearTimeout(timer);
      resolve('dropped');
    };
    socket.once('disconnect', dropped);
    raw.acks[id] = (response) => {
      clearTimeout(timer);
      socket.off('disconnect', dropped);
      resolve(response);
    };
    raw.io.engine.write(`2${id}[${JSON.stringify(event)},${payloadJson}]`);
  });
}

const describeValue = (value: unknown) => {
  try {
    return JSON.stringify(value)?.slice(0, 300) ?? String(value);
  } catch {
    return `<${typeof value}>`;
  }
};

describe('fuzzing every request and REST body through the real gateway and services', () => {
  let server: InProcessServer;
  let user: Socket;
  let admin: Socket;
  let seeds: SeedContext;
  let routes: RestRoute[];
  const prototypesBefore = snapshot();

  before(async () => {
    server = await startInProcessServer({
      RATE_LIMIT_WRITE: '1000000',
      RATE_LIMIT_READ: '1000000',
      RATE_LIMIT_SIGNAL: '1000000',
      LOCATION_RATE_BURST: '1000000',
      HANDSHAKE_LIMIT_PER_IP: '1000000',
    });
    user = await connect(server.url, server.token('fuzzer'));
    admin = await connect(server.url, server.token('fuzz-admin', 'admin'));
    const created = (await ask(user, 'room:create', { type: 'group', memberIds: ['fuzz-friend'] })) as {
      success: boolean;
    } & RoomCreateResult;
    assert.equal(created.success, true);
    seeds = { roomId: created.room.id, otherUserId: 'fuzz-friend' };
    routes = enumerateRoutes(server.routers);
  });
  after(async () => {
    user?.close();
    admin?.close();
    await server?.close();
  });

  const assertHealthy = async (what: string) => {
    assert.equal(({} as Record<string, unknown>).polluted, undefined, `${what}: Object.prototype polluted`);
    assert.deepEqual(snapshot(), prototypesBefore, `${what}: a prototype gained properties`);
    assert.equal(user.connected, true, `${what}: the fuzzing socket is still connected`);
    const health = await fetch(`${server.url}/healthz`);
    assert.equal(health.status, 200, `${what}: /healthz`);
  };

  test('the REST routes are read from the routers (and include the known ones)', () => {
    const names = routes.map((r) => `${r.method.toUpperCase()} ${r.path}`);
    for (const known of ['POST /messages', 'POST /location', 'GET /location/history', 'POST /geofences', 'GET /stats'])
      assert.ok(names.includes(known), `${known} in ${names.join(', ')}`);
  });

  test('every request answers generated garbage with the ack contract', async () => {
    const seedFor = requestSeeds(seeds) as Record<string, unknown>;
    seedFor['auth:refresh'] = { token: server.token('fuzzer') };
    const unseeded = NAMES.filter((name) => !(name in seedFor));
    if (unseeded.length > 0) console.log(`fuzz: no seed for ${unseeded.join(', ')}; fuzzed from {}`);
    const cases = fc
      .tuple(fc.constantFrom(...NAMES), fc.boolean())
      .chain(([name, asAdmin]) => mutationsOf(seedFor[name] ?? {}).map((payload) => ({ name, asAdmin, payload })));
    await fc.assert(
      fc.asyncProperty(cases, async ({ name, asAdmin, payload }) => {
        const ack = await ask(asAdmin ? admin : user, name, payload);
        const problem = ackProblem(ack);
        assert.equal(problem, undefined, `${name} ${describeValue(payload)} → ${describeValue(ack)}`);
        assert.equal(({} as Record<string, unknown>).polluted, undefined, `${name} polluted Object.prototype`);
      }),
      { seed: SEED, numRuns: 400 * RUNS, endOnFailure: true },
    );
    await assertHealthy('after the requests');
  });

  test('payloads thousands of levels deep (raw frames) are answered with the ack contract', async () => {
    const seedFor = requestSeeds(seeds) as Record<string, unknown>;
    const cases = fc.constantFrom(...NAMES).chain((name) => {
      const seed = seedFor[name] ?? {};
      const keys = Object.keys(seed as object);
      const where = keys.length > 0 ? fc.option(fc.constantFrom(...keys), { nil: undefined }) : fc.constant(undefined);
      return fc.tuple(where, deepJsonText).map(([key, deep]) => ({ name, key, text: spliceJson(seed, key, deep) }));
    });
    await fc.assert(
      fc.asyncProperty(cases, async ({ name, key, text }) => {
        const ack = await askRaw(user, name, text);
        assert.notEqual(ack, 'dropped', `${name}: deep ${key ?? 'payload'} dropped the socket instead of an ack`);
        const problem = ackProblem(ack);
        assert.equal(
          problem,
          undefined,
          `${name} deep ${key ?? 'payload'} (${text.length} chars) → ${describeValue(ack)}`,
        );
      }),
      { seed: SEED, numRuns: 60 * RUNS, endOnFailure: true },
    );
    await assertHealthy('after deep payloads');
  });

  test('wrong arity, unknown events and non-object payloads are answered too', async () => {
    const extraArgs = fc.tuple(
      fc.constantFrom(...NAMES, 'no:such:event', '__proto__', ''),
      fc.array(hostileValue, { maxLength: 3 }),
    );
    await fc.assert(
      fc.asyncProperty(extraArgs, async ([name, args]) => {
        const ack = await ask(user, name, ...args);
        assert.equal(ackProblem(ack), undefined, `${name}(${args.length} args) → ${describeValue(ack)}`);
      }),
      { seed: SEED, numRuns: 100 * RUNS, endOnFailure: true },
    );
    await assertHealthy('after odd arities');
  });

  test('every REST route answers generated bodies, queries and path parameters with the REST contract', async () => {
    const seedFor = restSeeds(seeds);
    const bodyKinds = fc.oneof(
      { weight: 6, arbitrary: fc.constant('json' as const) },
      { weight: 1, arbitrary: fc.constant('text' as const) },
      { weight: 1, arbitrary: fc.constant('deep' as const) },
      { weight: 1, arbitrary: fc.constant('charset' as const) },
    );
    const charsets = fc.constantFrom('utf-16', 'koi8-r', 'latin1', 'x-unknown', 'utf-8');
    const cases = fc
      .tuple(fc.constantFrom(...routes), bodyKinds, fc.string({ maxLength: 200 }), fc.boolean(), charsets)
      .chain(([route, kind, param, authed, charset]) =>
        mutationsOf(seedFor[`${route.method.toUpperCase()} ${route.path}`] ?? {}).map((value) => ({
          route,
          kind,
          param,
          authed,
          charset,
          value,
        })),
      );
    const token = server.token('fuzzer');
    await fc.assert(
      fc.asyncProperty(cases, async ({ route, kind, param, authed, charset, value }) => {
        const path = fillPath(route.path, param || 'x');
        const headers: Record<string, string> = authed
          ? { authorization: `Bearer ${token}`, 'x-api-key': FUZZ_API_KEY }
          : { authorization: 'Bearer not-a-jwt' };
        let url = `${server.url}/api${path}`;
        let body: string | undefined;
        if (route.method === 'get' || route.method === 'delete') {
          const query = new URLSearchParams();
          if (value && typeof value === 'object' && !Array.isArray(value)) {
            for (const [k, v] of Object.entries(value)) query.append(k, typeof v === 'string' ? v : describeValue(v));
          } else query.append('q', describeValue(value));
          url += `?${query}`;
        } else if (kind === 'text') {
          body = describeValue(value).slice(1);
          headers['content-type'] = 'application/json';
        } else if (kind === 'deep') {
          body = `${'['.repeat(100_000)}${']'.repeat(100_000)}`;
          headers['content-type'] = 'application/json';
        } else {
          body = JSON.stringify(value) ?? 'null';
          headers['content-type'] = kind === 'charset' ? `application/json; charset=${charset}` : 'application/json';
        }
        const response = await fetch(url, { method: route.method.toUpperCase(), headers, body });
        const text = await response.text();
        let parsed: unknown;
        try {
          parsed = text ? JSON.parse(text) : undefined;
        } catch {
          parsed = text;
        }
        const problem = restProblem(response.status, parsed);
        assert.equal(
          problem,
          undefined,
          `${route.method} ${path} [${kind}] ${describeValue(value)} → ${response.status} ${text.slice(0, 300)}`,
        );
      }),
      { seed: SEED, numRuns: 250 * RUNS, endOnFailure: true },
    );
    await assertHealthy('after REST');
  });

  test('unusual content types, charsets and encodings get a 4xx with the REST contract', async () => {
    const variants: Record<string, string>[] = [
      { 'content-type': 'application/json; charset=utf-16' },
      { 'content-type': 'application/json; charset=koi8-r' },
      { 'content-type': 'application/json', 'content-encoding': 'br2' },
      { 'content-type': 'application/json', 'content-encoding': 'gzip' },
      { 'content-type': 'text/plain' },
      { 'content-type': 'application/x-www-form-urlencoded' },
      {},
    ];
    for (const headers of variants) {
      const response = await fetch(`${server.url}/api/messages`, {
        method: 'POST',
        headers: { authorization: `Bearer ${server.token('fuzzer')}`, ...headers },
        body: JSON.stringify({ roomId: seeds.roomId, content: 'x' }),
      });
      const text = await response.text();
      const problem = restProblem(response.status, text ? JSON.parse(text) : undefined);
      assert.equal(problem, undefined, `${JSON.stringify(headers)} → ${response.status} ${text}`);
      assert.ok(response.status >= 400 && response.status < 500, `${JSON.stringify(headers)} → ${response.status}`);
    }
    await assertHealthy('after odd content types');
  });

  test('frames no parser accepts (100,000 levels deep, broken JSON) drop that socket only', async () => {
    const frames = [
      `42["message:send",${'['.repeat(100_000)}${']'.repeat(100_000)}]`,
      `42["message:send",${'{"a":'.repeat(20_000)}1${'}'.repeat(20_000)}]`,
      '42["message:send",{"roomId":',
      '4299999999999999999999["message:send",{}]',
      '9',
      '4',
    ];
    for (const frame of frames) {
      const ws = new WebSocket(`${server.url.replace('http', 'ws')}/socket.io/?EIO=4&transport=websocket`);
      const closed = new Promise<void>((resolve) => ws.once('close', () => resolve()));
      await new Promise<void>((resolve, reject) => {
        ws.on('error', reject);
        ws.on('message', (data) => {
          const text = String(data);
          if (text.startsWith('0')) ws.send(`40${JSON.stringify({ token: server.token('raw-fuzzer') })}`);
          else if (text.startsWith('40')) resolve();
        });
      });
      ws.send(frame);
      // Either the server drops the socket, or it ignores the frame; neither may hurt anyone else.
      await Promise.race([closed, new Promise((resolve) => setTimeout(resolve, 1000))]);
      ws.terminate();
    }
    await assertHealthy('after raw frames');
  });

  test('afterwards the server still does its job: connect, create, send, read history, REST send', async () => {
    const fresh = await connect(server.url, server.token('after-fuzz'));
    try {
      const created = (await ask(fresh, 'room:create', { type: 'group' })) as { success: boolean } & RoomCreateResult;
      assert.equal(created.success, true);
      const sent = (await ask(fresh, 'message:send', { roomId: created.room.id, content: 'still fine' })) as {
        success: boolean;
      };
      assert.equal(sent.success, true);
      const history = (await ask(fresh, 'message:history', { roomId: created.room.id })) as {
        success: boolean;
        messages: { content: string }[];
      };
      assert.deepEqual(
        history.messages.map((m) => m.content),
        ['still fine'],
      );
      const rest = await fetch(`${server.url}/api/messages`, {
        method: 'POST',
        headers: { authorization: `Bearer ${server.token('after-fuzz')}`, 'content-type': 'application/json' },
        body: JSON.stringify({ roomId: created.room.id, content: 'via REST' }),
      });
      assert.equal(rest.status, 201);
      await assertHealthy('at the end');
    } finally {
      fresh.close();
    }
  });
});
