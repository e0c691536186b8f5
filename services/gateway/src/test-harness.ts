// Test support (not a test file): a real gateway on port 0 over a MemoryBus (or a given bus), and real clients.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { type Bus, handleStandIns, MemoryBus, type StandIns } from '@switchboard/bus';

export { handleStandIns } from '@switchboard/bus';

import type { ClientToServerEvents, Message, RequestName, ServerToClientEvents } from '@switchboard/protocol';
import {
  BaseConfigSchema,
  type BaseEnv,
  createMetrics,
  createTokenVerifier,
  type Metrics,
  signToken,
} from '@switchboard/runtime';
import { testLogger, waitFor } from '@switchboard/testkit';
import type { ServerOptions } from 'socket.io';
import { type Socket as ClientSocket, io as connectClient } from 'socket.io-client';
import { type RunningGateway, startGateway } from './gateway.ts';
import { createMemoryRateLimiter, type RateLimiter } from './rate-limit.ts';

export const TEST_SECRET = 'gateway-test-secret';
export type TestClient = ClientSocket<ServerToClientEvents, ClientToServerEvents>;

/** A stored message as a stand-in messaging service would answer it. */
export function testMessage(fields: Partial<Message> = {}): Message {
  return {
    id: 'm',
    roomId: 'r1',
    seq: 1,
    senderId: 'u1',
    content: 'hi',
    createdAt: new Date(0).toISOString(),
    ...fields,
  };
}

export interface TestGatewayOptions {
  env?: Record<string, string>;
  /** Stand-ins for services, registered with bus.handle(service, …). */
  handlers?: StandIns;
  bus?: Bus;
  rateLimiter?: RateLimiter;
  adapter?: ServerOptions['adapter'];
  gatewayId?: string;
  typingAutoStopMs?: number;
  activityThrottleMs?: number;
  activityWindowMs?: number;
}

export interface TestGateway {
  url: string;
  config: BaseEnv;
  bus: Bus;
  metrics: Metrics;
  gateway: RunningGateway;
  httpServer: http.Server;
  /** Connect a client (closed by `close()`). */
  client(token: string | undefined, options?: Parameters<typeof connectClient>[1]): TestClient;
  token(userId: string, options?: Parameters<typeof signToken>[2]): string;
  close(): Promise<void>;
}

export function testConfig(env: Record<string, string> = {}): BaseEnv {
  return BaseConfigSchema.parse({ JWT_SECRET: TEST_SECRET, LOG_LEVEL: 'silent', ...env });
}

export async function startTestGateway(options: TestGatewayOptions = {}): Promise<TestGateway> {
  const config = testConfig(options.env);
  const bus = options.bus ?? new MemoryBus({ timeoutMs: config.BUS_TIMEOUT_MS });
  await handleStandIns(bus, options.handlers ?? {});
  const httpServer = http.createServer();
  const metrics = createMetrics('gateway');
  const gateway = await startGateway({
    config,
    log: testLogger('gateway'),
    metrics,
    bus,
    verifier: createTokenVerifier({ secret: TEST_SECRET }),
    httpServer,
    gatewayId: options.gatewayId ?? 'gw-test',
    rateLimiter: options.rateLimiter ?? createMemoryRateLimiter(),
    adapter: options.adapter,
    typingAutoStopMs: options.typingAutoStopMs,
    activityThrottleMs: options.activityThrottleMs,
    activityWindowMs: options.activityWindowMs,
  });
  await new Promise<void>((resolve) => httpServer.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(httpServer.address() as AddressInfo).port}`;
  const clients: TestClient[] = [];
  return {
    url,
    config,
    bus,
    metrics,
    gateway,
    httpServer,
    client(token, clientOptions = {}) {
      const socket: TestClient = connectClient(url, {
        auth: token === undefined ? {} : { token },
        reconnection: false,
        forceNew: true,
        ...clientOptions,
      });
      clients.push(socket);
      return socket;
    },
    token: (userId, tokenOptions) => signToken(TEST_SECRET, userId, tokenOptions),
    async close() {
      for (const socket of clients) socket.disconnect();
      await waitFor(() => gateway.io.of('/').sockets.size === 0, {
        timeoutMs: 2000,
        what: 'clients to disconnect',
      }).catch(() => undefined);
      await gateway.close();
      httpServer.closeAllConnections();
      await new Promise<void>((resolve) => httpServer.close(() => resolve()));
      // Bounded: MemoryBus.close waits for handlers, and some tests register one that never answers.
      if (!options.bus) await Promise.race([bus.close(), new Promise((resolve) => setTimeout(resolve, 500))]);
    },
  };
}

/** Resolves with the first payload of `event`, or rejects on connect_error. */
export function once<E extends keyof ServerToClientEvents>(
  socket: TestClient,
  event: E,
): Promise<Parameters<ServerToClientEvents[E]>[0]> {
  return new Promise((resolve, reject) => {
    socket.once(event as 'connected', resolve as never);
    socket.once('connect_error', reject);
  });
}

/** The `connect_error` message of a refused handshake. */
export function connectError(socket: TestClient): Promise<string> {
  return new Promise((resolve, reject) => {
    socket.once('connect_error', (err) => resolve(err.message));
    socket.once('connect', () => reject(new Error('connected unexpectedly')));
  });
}

/** Emit a request with any payload (hostile ones included) and resolve with the ack. */
export function request(
  socket: TestClient,
  event: RequestName | (string & {}),
  ...args: unknown[]
): Promise<Record<string, unknown>> {
  return new Promise((resolve) => {
    (socket.emit as (event: string, ...rest: unknown[]) => void)(event, ...args, (response: Record<string, unknown>) =>
      resolve(response),
    );
  });
}
