import type { Redis } from '@switchboard/runtime';
import { z } from 'zod';

/** What each gateway publishes about itself. */
export const GatewayEntry = z.object({
  gatewayId: z.string(),
  connections: z.number().int().min(0),
  messagesPerSecond: z.number().min(0),
  /** ms since epoch of the report. */
  at: z.number(),
});
export type GatewayEntry = z.infer<typeof GatewayEntry>;

/** Entries older than this belong to a gateway that stopped reporting (crashed or scaled down). */
export const STALE_AFTER_MS = 30_000;

/** Where gateways publish their local figures so any of them can answer for the cluster. */
export interface GatewayRegistry {
  publish(entry: GatewayEntry): Promise<void>;
  /** Fresh entries of every gateway (the caller's own included). */
  list(now: number): Promise<GatewayEntry[]>;
  remove(gatewayId: string): Promise<void>;
}

/** Cluster mode: one Redis hash, field = gateway id, value = JSON entry. */
export function createRedisGatewayRegistry(redis: Redis, prefix: string): GatewayRegistry {
  const key = `${prefix}stats:gateways`;
  return {
    async publish(entry) {
      await redis.hset(key, entry.gatewayId, JSON.stringify(entry));
    },
    async list(now) {
      const raw = await redis.hgetall(key);
      const fresh: GatewayEntry[] = [];
      const stale: string[] = [];
      for (const [field, value] of Object.entries(raw)) {
        const entry = GatewayEntry.safeParse(parseJson(value));
        if (entry.success && now - entry.data.at <= STALE_AFTER_MS) fresh.push(entry.data);
        else stale.push(field);
      }
      // Tidy up after gateways that went away, so the hash does not grow across restarts.
      if (stale.length > 0) await redis.hdel(key, ...stale);
      return fresh.sort((a, b) => a.gatewayId.localeCompare(b.gatewayId));
    },
    async remove(gatewayId) {
      await redis.hdel(key, gatewayId);
    },
  };
}

/** Embedded mode: there is only this gateway. */
export function createMemoryGatewayRegistry(): GatewayRegistry {
  let own: GatewayEntry | undefined;
  return {
    async publish(entry) {
      own = entry;
    },
    async list() {
      return own ? [own] : [];
    },
    async remove() {
      own = undefined;
    },
  };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
