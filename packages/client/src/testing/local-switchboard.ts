// Test support (not a test file): a real Switchboard in this process for the SDK's tests — the
// gateway and the given services on one MemoryBus and a fresh database, clients over websockets.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { MemoryBus } from '@switchboard/bus';
import { createMemoryRateLimiter, ioBroadcaster, startGateway } from '@switchboard/gateway';
import type { RunningService, ServiceModule } from '@switchboard/host';
import {
  BaseConfigSchema,
  createHttpApp,
  createMetrics,
  createTokenVerifier,
  finishHttpApp,
  iceServersRouter,
  type SignTokenOptions,
  signToken,
} from '@switchboard/runtime';
import { createTestDatabase, testLogger } from '@switchboard/testkit';
import { type ClientOptions, createClient, type SwitchboardClient } from '../index.ts';

export interface LocalSwitchboard {
  bus: MemoryBus;
  /** The base URL: Socket.IO, and the services' REST routes under `/api` (as in `npm start`). */
  url: string;
  /** A token for `userId`, for the REST helpers. */
  token(userId: string, claims?: Omit<SignTokenOptions, 'name'>): string;
  /** A synced client for `userId` (token claims such as `phone` in `claims`), closed by `close()`. */
  connect(
    userId: string,
    claims?: Omit<SignTokenOptions, 'name'>,
    options?: Partial<ClientOptions>,
  ): Promise<SwitchboardClient>;
  close(): Promise<void>;
}

export async function startLocalSwitchboard(
  name: string,
  services: ServiceModule[],
  env: Record<string, string> = {},
): Promise<LocalSwitchboard> {
  const secret = `client-${name}-test-secret`;
  const database = await createTestDatabase(`client_${name}`);
  const config = BaseConfigSchema.parse({ JWT_SECRET: secret, LOG_LEVEL: 'silent', SHUTDOWN_GRACE_MS: '0', ...env });
  const verifier = createTokenVerifier({ secret });
  const bus = new MemoryBus({ timeoutMs: config.BUS_TIMEOUT_MS });
  const metrics = createMetrics('gateway');
  const app = createHttpApp({ log: testLogger('http'), metrics });
  // The request listener must be in place before Socket.IO attaches (it keeps /socket.io/ for itself).
  const httpServer = http.createServer(app);
  const gateway = await startGateway({
    config,
    log: testLogger('gateway'),
    metrics,
    bus,
    verifier,
    httpServer,
    gatewayId: `gw-${name}`,
    rateLimiter: createMemoryRateLimiter(),
  });
  const running: RunningService[] = [];
  for (const module of services) {
    running.push(
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
  app.use('/api', iceServersRouter({ iceServers: config.WEB_ICE_SERVERS, verifier }));
  for (const service of running) if (service.router) app.use('/api', service.router);
  finishHttpApp(app, testLogger('http'), metrics);
  await new Promise<void>((resolve) => httpServer.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(httpServer.address() as AddressInfo).port}`;
  const clients: SwitchboardClient[] = [];

  const token = (userId: string, claims: Omit<SignTokenOptions, 'name'> = {}) =>
    signToken(secret, userId, { name: userId, ...claims });

  return {
    bus,
    url,
    token,
    async connect(userId, claims = {}, options = {}) {
      const client = createClient({
        url,
        getToken: () => token(userId, claims),
        transports: ['websocket'],
        ...options,
      });
      clients.push(client);
      await client.synced();
      return client;
    },
    async close() {
      for (const client of clients) client.close();
      await gateway.close();
      for (const service of running) await service.close();
      await bus.close();
      httpServer.closeAllConnections();
      await new Promise<void>((resolve) => httpServer.close(() => resolve()));
      await database.drop();
    },
  };
}
