// What the soak reads of the server's memory at a checkpoint, evaluated inside the server through
// the inspector (after a full GC) so that no production code needs a hook for it.

export interface MemorySample {
  /** V8 heap in use after a full GC: what a leak of JavaScript objects grows. */
  heapUsedBytes: number;
  heapTotalBytes: number;
  rssBytes: number;
  /** Memory of C++ objects bound to JavaScript ones (buffers included). */
  externalBytes: number;
  arrayBuffersBytes: number;
  /** Live libuv handles and requests by kind (`TCPSocketWrap`, `Timeout`, …). */
  resources: Record<string, number>;
}

/** Evaluated in the server: `process` is its global, so this sees the server's own figures. */
export const PROCESS_MEMORY_EXPRESSION = `(() => {
  const m = process.memoryUsage();
  const resources = {};
  for (const kind of process.getActiveResourcesInfo()) resources[kind] = (resources[kind] ?? 0) + 1;
  return { rss: m.rss, external: m.external, arrayBuffers: m.arrayBuffers, resources };
})()`;

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

export function parseProcessMemory(value: unknown): Omit<MemorySample, 'heapUsedBytes' | 'heapTotalBytes'> {
  if (!isRecord(value)) throw new Error('soak: process memory is not an object');
  const { rss, external, arrayBuffers, resources } = value;
  if (typeof rss !== 'number' || typeof external !== 'number' || typeof arrayBuffers !== 'number') {
    throw new Error('soak: process memory lacks rss, external or arrayBuffers');
  }
  if (!isRecord(resources)) throw new Error('soak: process memory lacks resources');
  const counts: Record<string, number> = {};
  for (const [kind, count] of Object.entries(resources)) if (typeof count === 'number') counts[kind] = count;
  return { rssBytes: rss, externalBytes: external, arrayBuffersBytes: arrayBuffers, resources: counts };
}

export const mib = (bytes: number) => Math.round((bytes / 1024 / 1024) * 10) / 10;
