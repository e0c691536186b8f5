// The SDK's call helpers against a real Switchboard in this process: gateway, messaging and
// call-signaling on a MemoryBus and a fresh database, clients over real websockets.
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { MemoryBus } from '@switchboard/bus';
import { service as callSignaling } from '@switchboard/call-signaling';
import { createMemoryRateLimiter, ioBroadcaster, type RunningGateway, startGateway } from '@switchboard/gateway';
import type { RunningService } from '@switchboard/host';
import { service as messaging } from '@switchboard/messaging';
import type { CallEvent, CallSignalEvent } from '@switchboard/protocol';
import { BaseConfigSchema, createMetrics, createTokenVerifier, signToken } from '@switchboard/runtime';
import { createTestDatabase, type TestDatabase, testLogger, waitFor } from '@switchboard/testkit';
import { createClient, type SwitchboardClient, SwitchboardError } from './index.ts';

const SECRET = 'client-calls-test-secret';

describe('client.calls against a running Switchboard', () => {
  let database: TestDatabase;
  let bus: MemoryBus;
  let httpServer: http.Server;
  let gateway: RunningGateway;
  const services: RunningService[] = [];
  let url: string;
  const clients: SwitchboardClient[] = [];

  before(async () => {
    database = await createTestDatabase('client_calls');
    const config = BaseConfigSchema.parse({ JWT_SECRET: SECRET, LOG_LEVEL: 'silent', SHUTDOWN_GRACE_MS: '0' });
    const verifier = createTokenVerifier({ secret: SECRET });
    bus = new MemoryBus({ timeoutMs: config.BUS_TIMEOUT_MS });
    httpServer = http.createServer();
    gateway = await startGateway({
      config,
      log: testLogger('gateway'),
      metrics: createMetrics('gateway'),
      bus,
      verifier,
      httpServer,
      gatewayId: 'gw-calls',
      rateLimiter: createMemoryRateLimiter(),
    });
    for (const module of [messaging, callSignaling]) {
      services.push(
        await module.start({
          config,
          log: testLogger(module.name),
          metrics: createMetrics(module.name),
          bus,
          db: database.db,
          broadcaster: ioBroadcaster(gateway.io),
          verifier,
        }),
      );
    }
    await new Promise<void>((resolve) => httpServer.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(httpServer.address() as AddressInfo).port}`;
  });

  after(async () => {
    for (const client of clients) client.close();
    await gateway.close();
    for (const service of services) await service.close();
    await bus.close();
    httpServer.closeAllConnections();
    await new Promise<void>((resolve) => httpServer.close(() => resolve()));
    await database.drop();
  });

  async function user(userId: string): Promise<SwitchboardClient> {
    const client = createClient({
      url,
      getToken: () => signToken(SECRET, userId, { name: userId }),
      transports: ['websocket'],
    });
    clients.push(client);
    await client.synced();
    return client;
  }

  test('initiate → incoming → accept → accepted, a signal each way, end → ended', async () => {
    const alice = await user('sdk-alice');
    const bob = await user('sdk-bob');
    await alice.createRoom({ type: 'group', name: 'sdk calls', memberIds: ['sdk-bob'] });
    const seen: string[] = [];
    const incoming = new Promise<CallEvent>((resolve) => bob.calls.onIncoming(resolve));
    const accepted = new Promise<CallEvent>((resolve) => alice.calls.onAccepted(resolve));
    const toBob = new Promise<CallSignalEvent>((resolve) => bob.calls.onSignal(resolve));
    const toAlice = new Promise<CallSignalEvent>((resolve) => alice.calls.onSignal(resolve));
    const ended = new Promise<CallEvent>((resolve) => bob.calls.onEnded((e) => e.reason === 'hangup' && resolve(e)));
    alice.calls.onEnded((e) => seen.push(`alice ended ${e.reason}`));

    const call = await alice.calls.initiate('sdk-bob', 'audio');
    assert.equal(call.state, 'ringing');
    assert.equal((await incoming).callId, call.callId);
    await alice.calls.signal(call.callId, 'offer', { type: 'offer', sdp: 'v=0' });
    assert.deepEqual((await toBob).signal, { type: 'offer', sdp: 'v=0' });
    const answered = await bob.calls.accept(call.callId);
    assert.equal(answered.state, 'accepted');
    assert.equal((await accepted).callId, call.callId);
    await bob.calls.signal(call.callId, 'answer', { type: 'answer', sdp: 'v=0' });
    assert.equal((await toAlice).signalType, 'answer');
    await bob.calls.quality(call.callId, { rtt: 20, jitter: 2, packetLoss: 0 });
    await alice.calls.end(call.callId);
    assert.equal((await ended).reason, 'hangup');
    await waitFor(() => seen.includes('alice ended hangup'), { what: 'the caller to hear the hangup' });
  });

  test('a refusal rejects with a SwitchboardError carrying the code and the sentence', async () => {
    const carol = await user('sdk-carol');
    await assert.rejects(carol.calls.accept('no-such-call'), (error: unknown) => {
      assert.ok(error instanceof SwitchboardError);
      assert.equal(error.code, 'NOT_FOUND');
      assert.equal(error.message, 'Call not found');
      return true;
    });
    await assert.rejects(carol.calls.initiate('sdk-nobody', 'video'), { code: 'FORBIDDEN' });
  });
});
