import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { type Bus, MemoryBus } from '@switchboard/bus';
import { flushPrefix, testPrefix, testRedis, waitFor } from '@switchboard/testkit';
import express from 'express';
import { Server } from 'socket.io';
import { type Socket as ClientSocket, io as connectClient } from 'socket.io-client';
import { handleStandIns } from '../test-harness.ts';
import type { GatewayServer } from '../types.ts';
import { createStatsRouter, RateWindow, STALE_AFTER_MS, type StatsBody } from './index.ts';

interface StatsServer {
  url: string;
  clients: ClientSocket[];
  connect(count: number): Promise<void>;
  stats(): Promise<StatsBody>;
  close(): Promise<void>;
}

/** A bare Socket.IO server with the stats router mounted at /api, as the gateway mounts it. */
async function startStatsServer(options: {
  bus: Bus;
  gatewayId: string;
  redis?: ReturnType<typeof testRedis>;
  prefix: string;
}): Promise<StatsServer> {
  const app = express();
  const httpServer = http.createServer(app);
  const io: GatewayServer = new Server(httpServer);
  const stats = createStatsRouter({
    io,
    bus: options.bus,
    gatewayId: options.gatewayId,
    redis: options.redis,
    prefix: options.prefix,
    roomsTimeoutMs: 300,
  });
  app.use('/api', stats.router);
  await new Promise<void>((resolve) => httpServer.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(httpServer.address() as AddressInfo).port}`;
  const clients: ClientSocket[] = [];
  return {
    url,
    clients,
    async connect(count) {
      const opened = Array.from({ length: count }, () =>
        connectClient(url, { transports: ['websocket'], forceNew: true, reconnection: false }),
      );
      clients.push(...opened);
      await Promise.all(opened.map((c) => new Promise<void>((resolve) => c.once('connect', () => resolve()))));
    },
    async stats() {
      const res = await fetch(`${url}/api/stats`);
      assert.equal(res.status, 200);
      return (await res.json()) as StatsBody;
    },
    async close() {
      for (const c of clients) c.close();
      await stats.close();
      await new Promise<void>((resolve) => io.close(() => resolve()));
    },
  };
}

describe('GET /api/stats', () => {
  test("reports this gateway's connections, its message rate and no calls, and says why rooms are missing", async () => {
    const bus = new MemoryBus();
    // Messaging is running but has no stats:get handler: rooms are omitted, not guessed.
    await handleStandIns(bus, { messaging: {}, 'call-signaling': {} });
    const server = await startStatsServer({ bus, gatewayId: 'gw-a', prefix: 'unused:' });
    try {
      await server.connect(2);
      for (let i = 0; i < 3; i++) server.clients[0]!.emit('message:send', { roomId: 'r1', content: 'hi' });
      const body = await waitFor(
        async () => {
          const b = await server.stats();
          return b.messagesPerSecond > 0 ? b : undefined;
        },
        { what: 'message rate to move' },
      );
      assert.equal(body.connections, 2);
      assert.deepEqual(
        body.gateways.map((g) => [g.gatewayId, g.connections]),
        [['gw-a', 2]],
      );
      assert.equal(body.messagesPerSecond, 0.3);
      assert.equal(body.activeCalls, 0);
      assert.match(body.notes.activeCalls ?? '', /calls:stats/);
      assert.equal(body.rooms, undefined);
      assert.match(body.notes.rooms ?? '', /stats:get/);
    } finally {
      await server.close();
      await bus.close();
    }
  });

  test('includes room counts and live calls when messaging and call-signaling answer', async () => {
    const bus = new MemoryBus();
    await handleStandIns(bus, {
      messaging: { 'stats:get': async () => ({ rooms: 7, activeRooms: 3 }) },
      'call-signaling': { 'calls:stats': async () => ({ activeCalls: 2, ringingCalls: 1 }) },
    });
    const server = await startStatsServer({ bus, gatewayId: 'gw-b', prefix: 'unused:' });
    try {
      const body = await server.stats();
      assert.equal(body.activeCalls, 2, 'active calls come from call-signaling');
      assert.equal(body.ringingCalls, 1);
      assert.equal(body.notes.activeCalls, undefined);
      assert.equal(body.rooms, 7);
      assert.equal(body.activeRooms, 3);
      assert.equal(body.notes.rooms, undefined);
    } finally {
      await server.close();
      await bus.close();
    }
  });
});

describe('GET /api/stats across gateways (Redis)', () => {
  const prefix = testPrefix('stats');
  const redis = testRedis();
  const bus = new MemoryBus();
  before(async () => {
    await handleStandIns(bus, { messaging: {}, 'call-signaling': {} });
  });
  after(async () => {
    await flushPrefix(redis, prefix);
    redis.disconnect();
    await bus.close();
  });

  test('sums every fresh gateway, ignores and removes stale ones, and forgets a gateway that closed', async () => {
    await redis.hset(
      `${prefix}stats:gateways`,
      'gw-gone',
      JSON.stringify({
        gatewayId: 'gw-gone',
        connections: 50,
        messagesPerSecond: 9,
        at: Date.now() - STALE_AFTER_MS - 1000,
      }),
    );
    const a = await startStatsServer({ bus, gatewayId: 'gw-1', redis, prefix });
    const b = await startStatsServer({ bus, gatewayId: 'gw-2', redis, prefix });
    try {
      await a.connect(1);
      await b.connect(2);
      // b publishes on its own when asked; a's figure reaches b through the hash.
      await a.stats();
      const body = await b.stats();
      assert.deepEqual(
        body.gateways.map((g) => [g.gatewayId, g.connections]),
        [
          ['gw-1', 1],
          ['gw-2', 2],
        ],
      );
      assert.equal(body.connections, 3);
      assert.equal(await redis.hexists(`${prefix}stats:gateways`, 'gw-gone'), 0);
    } finally {
      await a.close();
    }
    try {
      const body = await b.stats();
      assert.deepEqual(
        body.gateways.map((g) => g.gatewayId),
        ['gw-2'],
      );
    } finally {
      await b.close();
    }
  });
});

describe('RateWindow', () => {
  test('averages over the window and forgets what fell out of it', () => {
    let now = 1_000_000;
    const window = new RateWindow(10, () => now);
    window.add(20);
    now += 1000;
    window.add(10);
    assert.equal(window.perSecond(), 3);
    now += 9000;
    assert.equal(window.perSecond(), 1);
    now += 1000;
    assert.equal(window.perSecond(), 0);
  });
});
