import { z } from 'zod';
import type { RelayServer } from './relay-server.ts';

/** What a baseline server process reads from its environment. */
export const RelayEnvSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535),
  JWT_SECRET: z.string().min(8),
  REDIS_URL: z.string().url().optional(),
  REDIS_PREFIX: z.string().default('bench:'),
  DATABASE_URL: z.string().optional(),
});
export type RelayEnv = z.infer<typeof RelayEnvSchema>;

/** The line the launcher waits for on stdout. */
export const READY_MARKER = 'bench-server-ready';

/** Announce readiness, then close cleanly on SIGTERM/SIGINT so the launcher can stop us. */
export function announceAndWait(server: RelayServer, cleanup: () => Promise<void> = async () => {}): void {
  process.stdout.write(`${JSON.stringify({ msg: READY_MARKER, port: server.port, pid: process.pid })}\n`);
  const stop = async () => {
    await server.close();
    await cleanup();
    process.exit(0);
  };
  process.once('SIGTERM', () => void stop());
  process.once('SIGINT', () => void stop());
}
