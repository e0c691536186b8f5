import fs from 'node:fs';

/** One process's memory at idle: the kernel's view (/proc) and V8's (its /metrics). */
export interface ProcessMemory {
  name: string;
  /** Resident set, and its anonymous (heap, JIT, malloc) and file-backed (node binary, .so) parts, MiB. */
  rss: number;
  anon: number;
  file: number;
  /** V8 heap used and committed, and memory outside the heap (Buffers, WebAssembly), MiB. */
  heapUsed: number;
  heapTotal: number;
  external: number;
}

const MIB = 1024 * 1024;

function procStatusMib(pid: number, field: string): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const match = new RegExp(`^${field}:\\s+(\\d+)\\s+kB`, 'm').exec(status);
  return match?.[1] ? Number(match[1]) / 1024 : Number.NaN;
}

/** A gauge of prom-client's default metrics (one sample; its labels, e.g. `service`, ignored), or NaN. */
export function gauge(metricsText: string, name: string): number {
  const match = new RegExp(`^${name}(?:\\{[^}]*\\})? (\\S+)`, 'm').exec(metricsText);
  return match?.[1] ? Number(match[1]) : Number.NaN;
}

/** Read a process's memory from /proc/<pid>/status and its `/metrics` (prom-client's default metrics). */
export async function readProcessMemory(process: { name: string; pid: number; port: number }): Promise<ProcessMemory> {
  const res = await fetch(`http://127.0.0.1:${process.port}/metrics`, { signal: AbortSignal.timeout(10_000) });
  const text = await res.text();
  return {
    name: process.name,
    rss: procStatusMib(process.pid, 'VmRSS'),
    anon: procStatusMib(process.pid, 'RssAnon'),
    file: procStatusMib(process.pid, 'RssFile'),
    heapUsed: gauge(text, 'nodejs_heap_size_used_bytes') / MIB,
    heapTotal: gauge(text, 'nodejs_heap_size_total_bytes') / MIB,
    external: gauge(text, 'nodejs_external_memory_bytes') / MIB,
  };
}
