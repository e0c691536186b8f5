import crypto from 'node:crypto';
import http from 'node:http';
import { MemoryBus, untypedBus } from '@switchboard/bus';
import type { RunningService } from '@switchboard/host';
import type { RequestContext } from '@switchboard/protocol';
import {
  BaseConfigSchema,
  createHttpApp,
  createMetrics,
  createTokenVerifier,
  finishHttpApp,
  listen,
  type Metrics,
} from '@switchboard/runtime';
import { createTestDatabase, RecordingBroadcaster, type TestDatabase, testLogger } from '@switchboard/testkit';
import { start } from '../index.ts';

export const TEST_API_KEY = 'notification-test-api-key';

export interface Harness {
  database: TestDatabase;
  bus: MemoryBus;
  broadcaster: RecordingBroadcaster;
  metrics: Metrics;
  service: RunningService;
  /** Base URL of an HTTP server with the service's router at `/api` (as the host mounts it). */
  url: string;
  user(userId: string, extra?: Partial<RequestContext>): RequestContext;
  /** Send a command to notification over the bus, as the gateway or another service does. */
  ask<T = unknown>(command: string, payload: unknown, ctx: RequestContext): Promise<T>;
  /** POST JSON to `/api/<path>` with the test API key (or the headers given). */
  post(path: string, body: unknown, headers?: Record<string, string>): Promise<{ status: number; body: unknown }>;
  close(): Promise<void>;
}

/** The notification service on a fresh database, an in-memory bus and a recording broadcaster. */
export async function startHarness(label: string, env: Record<string, string | undefined> = {}): Promise<Harness> {
  const database = await createTestDatabase(label);
  // `API_KEY: ''` in `env` starts the service with no key configured.
  const { API_KEY = TEST_API_KEY, ...rest } = env;
  const config = BaseConfigSchema.parse({ LOG_LEVEL: 'silent', ...rest, ...(API_KEY ? { API_KEY } : {}) });
  const bus = new MemoryBus({ timeoutMs: 10_000 });
  const broadcaster = new RecordingBroadcaster();
  const log = testLogger('notification');
  const metrics = createMetrics('notification');
  const service = await start({
    config,
    log,
    metrics,
    bus,
    db: database.db,
    broadcaster,
    verifier: createTokenVerifier({ secret: 'notification-test-secret' }),
  });
  const app = createHttpApp({ log, metrics });
  if (service.router) app.use('/api', service.router);
  finishHttpApp(app, log, metrics);
  const server = http.createServer(app);
  const port = await listen(server, 0, '127.0.0.1');
  const url = `http://127.0.0.1:${port}`;

  return {
    database,
    bus,
    broadcaster,
    metrics,
    service,
    url,
    user: (userId, extra = {}) => ({ userId, name: userId, role: 'user', requestId: crypto.randomUUID(), ...extra }),
    ask: <T>(command: string, payload: unknown, ctx: RequestContext) =>
      untypedBus(bus).request('notification', command, payload, ctx) as Promise<T>,
    async post(path, body, headers = { 'x-api-key': TEST_API_KEY }) {
      const response = await fetch(`${url}/api/${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: typeof body === 'string' ? body : JSON.stringify(body),
      });
      return { status: response.status, body: await response.json() };
    },
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      await service.close();
      await bus.close();
      await database.drop();
    },
  };
}

/** Expect a bus request to fail with an exact code (and optionally a message matching). */
export async function rejectsWith(promise: Promise<unknown>, code: string, message?: RegExp): Promise<void> {
  try {
    await promise;
  } catch (error) {
    const e = error as { code?: string; message?: string };
    if (e.code !== code) throw new Error(`expected ${code}, got ${e.code}: ${e.message}`);
    if (message && !message.test(e.message ?? '')) throw new Error(`expected ${message}, got "${e.message}"`);
    return;
  }
  throw new Error(`expected ${code}, but it succeeded`);
}
