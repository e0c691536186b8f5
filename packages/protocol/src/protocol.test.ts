import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { z } from 'zod';
import {
  BUS_COMMANDS,
  CallSignalPayload,
  CLIENT_SIGNALS,
  GATEWAY_REQUESTS,
  isReservedEventName,
  LocationUpdatePayload,
  MessageSendPayload,
  PARTITION_KEYS,
  type PartitionKeys,
  PublishPayload,
  parsePayload,
  REQUESTS,
  SERVER_EVENTS,
  SERVICES,
  SyncPayload,
} from './index.ts';

describe('protocol registry', () => {
  test('every request is owned by a known service and has a schema', () => {
    for (const [name, spec] of Object.entries(REQUESTS)) {
      assert.ok((SERVICES as readonly string[]).includes(spec.service), `${name} → ${spec.service}`);
      assert.equal(typeof spec.schema.safeParse, 'function', name);
    }
  });

  test('no event name is both a request and a signal', () => {
    for (const name of Object.keys(CLIENT_SIGNALS)) assert.equal(Object.hasOwn(REQUESTS, name), false, name);
  });

  test('server events are listed once each', () => {
    assert.equal(new Set(SERVER_EVENTS).size, SERVER_EVENTS.length);
  });
});

describe('bus partition keys', () => {
  test('each declared key is a required string field of its command, carried into the bus registry', () => {
    const declared = Object.entries(PARTITION_KEYS as PartitionKeys).flatMap(([service, commands]) =>
      Object.entries(commands ?? {}).map(([command, field]) => ({ service, command, field })),
    );
    assert.ok(declared.length > 0);
    const registry: Record<string, Record<string, { schema: z.ZodType; partitionKey?: string }>> = BUS_COMMANDS;
    for (const { service, command, field } of declared) {
      const spec = registry[service]?.[command];
      assert.ok(spec, `${service} ${command} is a bus command`);
      assert.equal(spec.partitionKey, field, `${command} carries its key`);
      assert.ok(spec.schema instanceof z.ZodObject, `${command} has an object schema`);
      const shape: Record<string, z.ZodType> = spec.schema.shape;
      assert.ok(shape[field]?.safeParse('r1').success, `${command}.${field} takes a string`);
      assert.equal(shape[field]?.safeParse(undefined).success, false, `${command}.${field} is required`);
    }
    assert.equal(registry.messaging?.['message:send']?.partitionKey, 'roomId');
  });
});

describe('parsePayload', () => {
  test('refuses payloads that are not objects', () => {
    for (const bad of [null, undefined, 'x', 42, [], [{ roomId: 'r' }], true]) {
      const result = parsePayload(MessageSendPayload, bad);
      assert.deepEqual(result, { ok: false, error: 'Payload must be an object' });
    }
  });

  test('missing content reads as the protocol sentence', () => {
    assert.deepEqual(parsePayload(MessageSendPayload, { roomId: 'r' }), {
      ok: false,
      error: 'Message content is required',
    });
    assert.deepEqual(parsePayload(MessageSendPayload, { roomId: 'r', content: '   ' }), {
      ok: false,
      error: 'Message content is required',
    });
  });

  test('a wrong type names the field', () => {
    const result = parsePayload(MessageSendPayload, { roomId: 42, content: 'hi' });
    assert.equal(result.ok, false);
    assert.match(!result.ok ? result.error : '', /^roomId: /);
  });

  test('prototype-pollution keys are dropped, not applied', () => {
    const hostile = JSON.parse(
      '{"roomId":"r","content":"hi","__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}}}',
    );
    const result = parsePayload(MessageSendPayload, hostile);
    assert.equal(result.ok, true);
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
    if (result.ok) assert.deepEqual(Object.keys(result.data).sort(), ['content', 'roomId']);
  });

  test('a NUL character in any string or key is refused, naming the field', () => {
    assert.deepEqual(parsePayload(MessageSendPayload, { roomId: 'r', content: 'a\u0000b' }), {
      ok: false,
      error: 'content: must not contain NUL characters',
    });
    assert.deepEqual(parsePayload(SyncPayload, { rooms: { 'r\u0000': 1 } }), {
      ok: false,
      error: 'rooms.r: must not contain NUL characters',
    });
  });

  test('an unpaired surrogate in any string or key is refused; a paired one (an emoji) is fine', () => {
    for (const bad of ['\uD800', 'a\uDFFFb', 'x\uD83D', '\uDE00y']) {
      assert.deepEqual(parsePayload(MessageSendPayload, { roomId: 'r', content: bad }), {
        ok: false,
        error: 'content: must be valid Unicode (no unpaired surrogates)',
      });
    }
    assert.deepEqual(parsePayload(SyncPayload, { rooms: { 'r\uD800': 1 } }), {
      ok: false,
      error: 'rooms.r: must be valid Unicode (no unpaired surrogates)',
    });
    assert.equal(parsePayload(MessageSendPayload, { roomId: 'r', content: 'ok 😀 \uD83D\uDE00' }).ok, true);
  });

  test('a value thousands of levels deep under an open field is checked without overflowing the stack', () => {
    let deep: unknown = 'a\u0000';
    for (let i = 0; i < 100_000; i++) deep = { a: deep };
    const result = parsePayload(CallSignalPayload, { callId: 'c', signalType: 'offer', signal: deep });
    assert.equal(result.ok, false);
    assert.match(!result.ok ? result.error : '', /^signal\.a\.a.*…: must not contain NUL characters$/);
    assert.ok(!result.ok && result.error.length < 200, 'the path is shortened to fit a sentence');
  });

  test('sync refuses non-numeric cursors and accepts a map of rooms', () => {
    assert.equal(parsePayload(SyncPayload, { rooms: { a: 'x' } }).ok, false);
    assert.equal(parsePayload(SyncPayload, { rooms: { a: 3, b: 0 } }).ok, true);
  });

  test('location bounds and future timestamps are refused with the field named', () => {
    const now = new Date().toISOString();
    const lat = parsePayload(LocationUpdatePayload, { latitude: 91, longitude: 0, timestamp: now });
    assert.match(!lat.ok ? lat.error : '', /^latitude: /);
    const future = parsePayload(LocationUpdatePayload, {
      latitude: 1,
      longitude: 1,
      timestamp: new Date(Date.now() + 3_600_000).toISOString(),
    });
    assert.match(!future.ok ? future.error : '', /^timestamp: .*future/);
    assert.equal(
      parsePayload(LocationUpdatePayload, { latitude: 1, longitude: 1, timestamp: now, battery: 50 }).ok,
      true,
    );
  });
});

describe('publish event names', () => {
  test("every Switchboard and Socket.IO event name is reserved; an application's own name is not", () => {
    for (const name of [
      ...SERVER_EVENTS,
      ...Object.keys(REQUESTS),
      ...Object.keys(CLIENT_SIGNALS),
      ...Object.keys(GATEWAY_REQUESTS),
    ]) {
      assert.equal(isReservedEventName(name), true, name);
    }
    for (const name of ['connect', 'disconnect', 'connect_error']) assert.equal(isReservedEventName(name), true, name);
    for (const name of ['queue_update', 'position_update', 'clinic.closing'])
      assert.equal(isReservedEventName(name), false);
    const valid = (event: string) => PublishPayload.safeParse({ to: { all: true }, event, data: {} }).success;
    assert.equal(valid('queue_update'), true);
    assert.equal(valid(`a${'b'.repeat(63)}`), true);
    for (const bad of ['', 'Queue', '9lives', '_x', 'has space', `a${'b'.repeat(64)}`])
      assert.equal(valid(bad), false, bad);
  });
});
