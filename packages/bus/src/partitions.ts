import type { RequestContext } from '@switchboard/protocol';

/**
 * The key that orders a command: the payload field its spec names (e.g. `roomId`), else the
 * sender's user id, so a sender's own unkeyed commands keep their order too.
 */
export function partitionKeyOf(partitionKey: string | undefined, payload: unknown, ctx: RequestContext): string {
  if (partitionKey !== undefined && typeof payload === 'object' && payload !== null) {
    const value: unknown = Object.hasOwn(payload, partitionKey)
      ? (payload as Record<string, unknown>)[partitionKey]
      : undefined;
    if (typeof value === 'string' || typeof value === 'number') return String(value);
  }
  return ctx.userId;
}

/** FNV-1a (32 bit) of the key, modulo the partition count: stable across processes and restarts. */
export function partitionOf(key: string, partitions: number): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < key.length; i += 1) {
    hash ^= key.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0) % partitions;
}
