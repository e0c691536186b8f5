import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { RequestContext } from '@switchboard/protocol';
import { AppError } from '@switchboard/runtime';
import { waitFor } from '@switchboard/testkit';
import { once, request, startTestGateway, type TestClient, type TestGateway } from './test-harness.ts';

describe('request forwarding', () => {
  let gw: TestGateway;
  let client: TestClient;
  const calls: { payload: unknown; ctx: RequestContext }[] = [];

  before(async () => {
    gw = await startTestGateway({
      env: { BUS_TIMEOUT_MS: '300' },
      handlers: {
        messaging: {
          'session:open': async () => ({ rooms: [] }),
          'message:send': async (payload, ctx) => {
            calls.push({ payload, ctx });
            return { message: { id: 'm1', seq: 1, content: (payload as { content: string }).content } };
          },
          'room:join': async () => {
            throw new AppError('FORBIDDEN', 'Access denied to this room');
          },
          'room:participants': async () => {
            throw new Error('database exploded');
          },
          'message:history': () => new Promise(() => {}),
        },
      },
    });
    client = gw.client(gw.token('alice', { name: 'Alice' }));
    await once(client, 'connected');
  });
  after(() => gw.close());

  test('a valid request is forwarded with the caller context and acked { success: true, ...result }', async () => {
    const ack = await request(client, 'message:send', { roomId: 'r1', content: '  hello  ' });
    assert.deepEqual(ack, { success: true, message: { id: 'm1', seq: 1, content: 'hello' } });
    const call = calls.at(-1)!;
    assert.deepEqual(call.payload, { roomId: 'r1', content: 'hello' });
    assert.equal(call.ctx.userId, 'alice');
    assert.equal(call.ctx.name, 'Alice');
    assert.equal(call.ctx.socketId, client.id);
    assert.equal(call.ctx.gatewayId, 'gw-test');
    assert.ok(call.ctx.requestId.length > 0);
  });

  test('payloads that are not objects are refused with INVALID_PAYLOAD', async () => {
    for (const payload of [null, 'text', 42, ['roomId', 'r1'], true]) {
      const ack = await request(client, 'message:send', payload);
      assert.deepEqual(
        ack,
        { success: false, code: 'INVALID_PAYLOAD', error: 'Payload must be an object' },
        `payload ${JSON.stringify(payload)}`,
      );
    }
  });

  test('a request without a payload is refused with INVALID_PAYLOAD', async () => {
    const ack = await request(client, 'message:send');
    assert.equal(ack.code, 'INVALID_PAYLOAD');
  });

  test('a field of the wrong type is named in the error', async () => {
    const ack = await request(client, 'message:send', { roomId: 12, content: 'hi' });
    assert.equal(ack.success, false);
    assert.equal(ack.code, 'INVALID_PAYLOAD');
    assert.match(String(ack.error), /^roomId: /);
  });

  test('missing or blank content is "Message content is required"', async () => {
    assert.deepEqual(await request(client, 'message:send', { roomId: 'r1' }), {
      success: false,
      code: 'INVALID_PAYLOAD',
      error: 'Message content is required',
    });
    assert.deepEqual(await request(client, 'message:send', { roomId: 'r1', content: '   ' }), {
      success: false,
      code: 'INVALID_PAYLOAD',
      error: 'Message content is required',
    });
  });

  test('an AppError from the service reaches the client unchanged', async () => {
    assert.deepEqual(await request(client, 'room:join', { roomId: 'r1' }), {
      success: false,
      code: 'FORBIDDEN',
      error: 'Access denied to this room',
    });
  });

  test('an unexpected service error is INTERNAL without details', async () => {
    assert.deepEqual(await request(client, 'room:participants', { roomId: 'r1' }), {
      success: false,
      code: 'INTERNAL',
      error: 'Internal server error',
    });
  });

  test('a service that never answers yields UNAVAILABLE after the deadline', async () => {
    const ack = await request(client, 'message:history', { roomId: 'r1' });
    assert.equal(ack.success, false);
    assert.equal(ack.code, 'UNAVAILABLE');
  });

  test('a request for a service with no handler is UNAVAILABLE', async () => {
    const ack = await request(client, 'presence:get', { userIds: ['bob'] });
    assert.equal(ack.code, 'UNAVAILABLE');
  });

  test('a request without an ack is still processed', async () => {
    const before = calls.length;
    client.emit('message:send', { roomId: 'r1', content: 'no ack' }, undefined as never);
    (client.emit as (event: string, payload: unknown) => void)('message:send', {
      roomId: 'r1',
      content: 'no ack either',
    });
    await waitFor(() => calls.length === before + 2, { what: 'both messages to reach the handler' });
  });

  test('an unknown event is answered INVALID_PAYLOAD when it has an ack, and ignored otherwise', async () => {
    assert.deepEqual(await request(client, 'nope:nothing', {}), {
      success: false,
      code: 'INVALID_PAYLOAD',
      error: 'Unknown event',
    });
    (client.emit as (event: string, payload: unknown) => void)('nope:nothing', { x: 1 });
    assert.equal((await request(client, 'message:send', { roomId: 'r1', content: 'still here' })).success, true);
  });

  test('events, errors, ack latency and connections are counted', async () => {
    const text = await gw.metrics.registry.metrics();
    /** The value of the sample of `name` whose labels include `label` (label order varies). */
    const sample = (name: string, label: string) => {
      const line = text.split('\n').find((l) => l.startsWith(`${name}{`) && l.includes(label));
      return line ? Number(line.split(' ').at(-1)) : 0;
    };
    assert.ok(sample('switchboard_events_in_total', 'event="message:send"') > 0);
    assert.ok(sample('switchboard_events_in_total', 'event="unknown"') > 0);
    assert.ok(sample('switchboard_errors_total', 'code="INVALID_PAYLOAD"') > 0);
    assert.ok(sample('switchboard_errors_total', 'code="UNAVAILABLE"') > 0);
    assert.ok(sample('switchboard_ack_seconds_count', 'event="message:send"') > 0);
    assert.equal(sample('switchboard_connections', 'service="gateway"'), 1);
  });

  test('hostile payloads never crash the gateway', async () => {
    let nested: unknown = { roomId: 'r1', content: 'deep' };
    for (let i = 0; i < 500; i++) nested = { a: nested, roomId: 'r1', content: 'x' };
    const hostile = [
      JSON.parse('{"__proto__": {"polluted": true}, "roomId": "r1", "content": "proto"}'),
      { constructor: { prototype: { polluted: true } }, roomId: 'r1', content: 'ctor' },
      { roomId: 'r'.repeat(500), content: 'long id' },
      { roomId: 'r1', content: 'x'.repeat(20_000) },
      { roomId: { $gt: '' }, content: 'x' },
      { roomId: 'r1', content: ['array'] },
      { roomId: 'r1', content: 'ok', attachments: 'not-an-array' },
      nested,
    ];
    for (const payload of hostile) {
      const ack = await request(client, 'message:send', payload);
      assert.equal(typeof ack.success, 'boolean');
    }
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
    const last = calls.at(-1)!.payload as Record<string, unknown>;
    assert.equal(Object.hasOwn(last, 'a'), false, 'unknown keys are stripped before forwarding');
    assert.equal((await request(client, 'message:send', { roomId: 'r1', content: 'after the storm' })).success, true);
    assert.ok(client.connected);
  });

  test('a payload nested deeper than any parser likes costs only its own connection at most', async () => {
    const attacker = gw.client(gw.token('mallory'));
    await once(attacker, 'connected');
    // Written below socket.io-client's encoder, which cannot serialise this itself.
    const depth = 100_000;
    const packet = `2["message:send",${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}]`;
    attacker.io.engine.write(packet);
    await request(client, 'message:send', { roomId: 'r1', content: 'bystander' }).then((ack) =>
      assert.equal(ack.success, true),
    );
    const fresh = gw.client(gw.token('newcomer'));
    await once(fresh, 'connected');
    assert.equal((await request(fresh, 'message:send', { roomId: 'r1', content: 'hello' })).success, true);
  });
});
