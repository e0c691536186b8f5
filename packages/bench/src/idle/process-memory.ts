import fs from 'node:fs';

/** One process's memory at idle: the kernel's view (/proc) and V8's (its /metrics). */
export interface ProcessMemory {
  name: string;
  /** Resident set, and its anonymous (heap, JIT, malloc) and file-backed (node binary, .so) parts, MiB. */
  rss: number;
  anon: number;
  file: number;
  /** Proportional set: shared pages (the node binary, mostly) divided among the processes mapping them, MiB. */
  pss: number;
  /** V8 heap used and committed, and memory outside the heap (Buffers, WebAssembly), MiB. */
  heapUsed: number;
  heapTotal: number;
  external: number;
}

const MIB = 1024 * 1024;

function procMib(pid: number, file: 'status' | 'smaps_rollup', field: string): number {
  const text = fs.readFileSync(`/proc/${pid}/${file}`, 'utf8');
  const match = new RegExp(`^${field}:\\s+(\\d+)\\s+kB`, 'm').exec(text);
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
    rss: procMib(process.pid, 'status', 'VmRSS'),
    anon: procMib(process.pid, 'status', 'RssAnon'),
    file: procMib(process.pid, 'status', 'RssFile'),
    pss: procMib(process.pid, 'smaps_rollup', 'Pss'),
    heapUsed: gauge(text, 'nodejs_heap_size_used_bytes') / MIB,
    heapTotal: gauge(text, 'nodejs_heap_size_total_bytes') / MIB,
    external: gauge(text, 'nodejs_external_memory_bytes') / MIB,
  };
}
