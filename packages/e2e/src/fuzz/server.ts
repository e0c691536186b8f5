// Test support: the embedded composition of `npm start` (packages/cli/src/embedded.ts) in THIS
// process — the real gateway and all four services on the MemoryBus, a fresh database, the
// express app with every REST router — so a fuzz test can hit it over real sockets and HTTP and
// still look inside: `({}).polluted` is checked in the very process that parsed the garbage.
import { MemoryBus } from '@switchboard/bus';
import { service as callSignaling } from '@switchboard/call-signaling';
import { gatewayModule, ioBroadcaster, type RunningGateway } from '@switchboard/gateway';
import type { RunningService, ServiceModule } from '@switchboard/host';
import { service as messaging } from '@switchboard/messaging';
import { service as notification } from '@switchboard/notification';
import { service as presence } from '@switchboard/presence';
import {
  BaseConfigSchema,
  type BaseEnv,
  createAppServer,
  createHttpApp,
  createMetrics,
  createTokenVerifier,
  finishHttpApp,
  listen,
  signToken,
} from '@switchboard/runtime';
import { createTestDatabase, type TestDatabase, testLogger } from '@switchboard/testkit';
import type { Router } from 'express';

const SERVICES: ServiceModule[] = [messaging, presence, callSignaling, notification];
export const FUZZ_SECRET = 'fuzz-test-secret-0123456789';
export const FUZZ_API_KEY = 'fuzz-api-key-0123456789';

export interface InProcessServer {
  url: string;
  config: BaseEnv;
  gateway: RunningGateway;
  /** Every router mounted at /api, to enumerate the REST routes from. */
  routers: Router[];
  token(userId: string, role?: string): string;
  close(): Promise<void>;
}

export async function startInProcessServer(env: Record<string, string> = {}): Promise<InProcessServer> {
  const database: TestDatabase = await createTestDatabase('fuzz');
  const config = BaseConfigSchema.parse({
    JWT_SECRET: FUZZ_SECRET,
    API_KEY: FUZZ_API_KEY,
    LOG_LEVEL: 'silent',
    ...env,
  });
  const metrics = createMetrics('switchboard');
  const bus = new MemoryBus({ timeoutMs: config.BUS_TIMEOUT_MS });
  const verifier = createTokenVerifier({ secret: FUZZ_SECRET });
  const log = testLogger('fuzz');
  const app = createHttpApp({ log, metrics });
  const httpServer = createAppServer(app);
  const gateway = await gatewayModule.start({ config, metrics, bus, verifier, log, httpServer, instanceId: 'fuzz' });
  const broadcaster = ioBroadcaster(gateway.io);
  const services: RunningService[] = [];
  for (const module of SERVICES) {
    services.push(await module.start({ config, metrics, bus, verifier, log, db: database.db, broadcaster }));
  }
  const routers = [gateway.router, ...services.map((s) => s.router)].filter((r): r is Router => Boolean(r));
  for (const router of routers) app.use('/api', router);
  finishHttpApp(app, log, metrics);
  const port = await listen(httpServer, 0, '127.0.0.1');
  return {
    url: `http://127.0.0.1:${port}`,
    config,
    gateway,
    routers,
    token: (userId, role) => signToken(FUZZ_SECRET, userId, { name: userId, ...(role ? { role } : {}) }),
    async close() {
      await gateway.close();
      for (const service of services.reverse()) await service.close();
      await Promise.race([bus.close(), new Promise((resolve) => setTimeout(resolve, 1000))]);
      httpServer.closeAllConnections();
      await new Promise<void>((resolve) => httpServer.close(() => resolve()));
      await database.drop();
    },
  };
}
