import crypto from 'node:crypto';
import { MemoryBus } from '@switchboard/bus';
import type { RunningService } from '@switchboard/host';
import type { RequestContext } from '@switchboard/protocol';
import {
  BaseConfigSchema,
  createMetrics,
  createTokenVerifier,
  type SignTokenOptions,
  signToken,
} from '@switchboard/runtime';
import { createTestDatabase, RecordingBroadcaster, type TestDatabase, testLogger } from '@switchboard/testkit';
import { start } from '../index.ts';

export const TEST_SECRET = 'messaging-test-secret';

export interface Harness {
  database: TestDatabase;
  bus: MemoryBus;
  broadcaster: RecordingBroadcaster;
  service: RunningService;
  /** A request context for a user (name defaults to the id). */
  user(userId: string, extra?: Partial<RequestContext>): RequestContext;
  /** Send a command to messaging over the bus, as the gateway does. */
  ask<T = unknown>(command: string, payload: unknown, ctx: RequestContext): Promise<T>;
  token(userId: string, options?: SignTokenOptions): string;
  /** Start another messaging instance on the same database (a second process). */
  startAnother(): Promise<{ bus: MemoryBus; service: RunningService; broadcaster: RecordingBroadcaster }>;
  close(): Promise<void>;
}

export async function startHarness(label: string, env: Record<string, string> = {}): Promise<Harness> {
  const database = await createTestDatabase(label);
  const config = BaseConfigSchema.parse({ LOG_LEVEL: 'silent', ...env });
  const verifier = createTokenVerifier({ secret: TEST_SECRET });
  const started: { bus: MemoryBus; service: RunningService }[] = [];

  async function startOne() {
    const bus = new MemoryBus({ timeoutMs: 5000 });
    const broadcaster = new RecordingBroadcaster();
    const service = await start({
      config,
      log: testLogger('messaging'),
      metrics: createMetrics('messaging'),
      bus,
      db: database.db,
      broadcaster,
      verifier,
    });
    started.push({ bus, service });
    return { bus, service, broadcaster };
  }

  const first = await startOne();
  return {
    database,
    ...first,
    user: (userId, extra = {}) => ({ userId, name: userId, role: 'user', requestId: crypto.randomUUID(), ...extra }),
    ask: (command, payload, ctx) => first.bus.request('messaging', command, payload, ctx),
    token: (userId, options) => signToken(TEST_SECRET, userId, options),
    startAnother: startOne,
    async close() {
      for (const { bus, service } of started) {
        await service.close();
        await bus.close();
      }
      await database.drop();
    },
  };
}

/** Expect a bus request to fail with an exact code (and optionally message). */
export async function rejectsWith(promise: Promise<unknown>, code: string, message?: string | RegExp): Promise<void> {
  try {
    await promise;
  } catch (error) {
    const e = error as { code?: string; message?: string };
    if (e.code !== code) throw new Error(`expected ${code}, got ${e.code}: ${e.message}`);
    if (typeof message === 'string' && e.message !== message)
      throw new Error(`expected "${message}", got "${e.message}"`);
    if (message instanceof RegExp && !message.test(e.message ?? ''))
      throw new Error(`expected ${message}, got "${e.message}"`);
    return;
  }
  throw new Error(`expected ${code}, but it succeeded`);
}
