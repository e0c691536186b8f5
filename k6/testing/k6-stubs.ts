// Node-only test support (k6 never loads this folder): run k6 scripts' JavaScript in a child node
// process with the k6 modules replaced by small stand-ins that record checks and metric samples.
// `k6/ws` is emulated on the `ws` package with k6's contract (the callback runs inside
// `connect()`, before the `open` event); unlike k6 it cannot block, so `connect()` returns at once.
import { execFile, spawnSync } from 'node:child_process';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';

export const K6_STUBS: Record<string, string> = {
  k6: `export function check(value, sets, tags) {
      let all = true;
      for (const [name, fn] of Object.entries(sets)) {
        const ok = Boolean(typeof fn === 'function' ? fn(value) : fn);
        globalThis.__k6.checks.push({ name, ok, tags: tags || {} });
        all = all && ok;
      }
      return all;
    }
    export function sleep() {}
    export default {};`,
  'k6/metrics': `class M {
      constructor(name) { this.name = name; globalThis.__k6.metrics.push(name); }
      add(value, tags) { globalThis.__k6.samples.push({ metric: this.name, value: Number(value), tags: tags || {} }); }
    }
    export class Counter extends M {} export class Rate extends M {} export class Trend extends M {}`,
  'k6/ws': `export default { connect(url, params, fn) {
      globalThis.__k6.dials += 1;
      const ws = new globalThis.__WS(url);
      const handlers = {}, timers = [], queue = [];
      let open = false;
      const fire = (event, ...args) => (handlers[event] || []).forEach((cb) => cb(...args));
      const socket = {
        on: (event, cb) => (handlers[event] = handlers[event] || []).push(cb),
        send: (text) => (open ? ws.send(text) : queue.push(text)),
        close: () => ws.close(),
        setTimeout: (cb, ms) => timers.push(setTimeout(() => open && cb(), ms)),
        setInterval: (cb, ms) => timers.push(setInterval(() => open && cb(), ms)),
      };
      ws.on('open', () => { open = true; queue.splice(0).forEach((t) => ws.send(t)); fire('open'); });
      ws.on('message', (data) => fire('message', String(data)));
      ws.on('error', (e) => fire('error', { error: () => e.message }));
      ws.on('close', () => { open = false; timers.forEach(clearTimeout); fire('close'); globalThis.__k6.closed += 1; });
      fn(socket);
      return { status: 101 };
    } };`,
  // Only what lib/config.js uses: HMAC-SHA256 as unpadded base64url (Go's RawURLEncoding).
  'k6/crypto': `import { createHmac } from 'node:crypto';
    export default { hmac(algorithm, secret, data, encoding) {
      if (algorithm !== 'sha256' || encoding !== 'base64rawurl') throw new Error('stub supports sha256/base64rawurl only');
      return createHmac('sha256', secret).update(data).digest('base64url');
    } };`,
  // Mutable from the child (globalThis.__exec.vu.idInTest = n) to play several VUs in one process.
  'k6/execution': 'export default globalThis.__exec;',
};

export interface K6Record {
  checks: { name: string; ok: boolean; tags: Record<string, string> }[];
  samples: { metric: string; value: number; tags: Record<string, string> }[];
  metrics: string[];
  /** `ws.connect` calls. */
  dials: number;
  closed: number;
  /** Whatever the body put in `globalThis.__k6.extra`. */
  extra?: Record<string, unknown>;
}

function prelude(env: Record<string, string>): string {
  const hooks = `const STUBS = ${JSON.stringify(K6_STUBS)};
    export async function resolve(specifier, context, next) {
      if (Object.hasOwn(STUBS, specifier)) return { url: 'data:text/javascript,' + encodeURIComponent(STUBS[specifier]), shortCircuit: true };
      return next(specifier, context);
    }`;
  return `import { register } from 'node:module';
    register('data:text/javascript,' + encodeURIComponent(${JSON.stringify(hooks)}));
    globalThis.__WS = (await import(${JSON.stringify(import.meta.resolve('ws'))})).WebSocket;
    globalThis.__ENV = ${JSON.stringify(env)};
    globalThis.__k6 = { checks: [], samples: [], metrics: [], dials: 0, closed: 0 };
    globalThis.__exec = { vu: { idInTest: 1 }, scenario: { iterationInTest: 0 } };
    const until = (done, ms = 5000) => new Promise((resolve) => {
      const started = Date.now();
      const t = setInterval(() => (done() || Date.now() - started > ms) && (clearInterval(t), resolve()), 10);
    });
    const untilClosed = (n) => until(() => globalThis.__k6.closed >= n, 15000);
    const total = (metric) => globalThis.__k6.samples.filter((s) => s.metric === metric).reduce((sum, s) => sum + s.value, 0);
  `;
}

export interface LoadedScript {
  options: { scenarios?: Record<string, { exec?: string }>; thresholds?: Record<string, string[]> };
  exports: string[];
}

/** Import scripts with k6 stubbed (their init code runs with an empty environment). */
export function loadWithK6Stubs(files: string[]): { modules: Record<string, LoadedScript>; metrics: string[] } {
  const entries = files.map((file) => [file, pathToFileURL(file).href]);
  const code = `${prelude({})}
    const modules = {};
    for (const [file, url] of ${JSON.stringify(entries)}) {
      const m = await import(url);
      modules[file] = { options: m.options, exports: Object.keys(m) };
    }
    console.log(JSON.stringify({ modules, metrics: globalThis.__k6.metrics }));`;
  const result = spawnSync(process.execPath, ['--input-type=module', '-e', code], { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`loading k6 scripts failed: ${result.stderr}`);
  return JSON.parse(result.stdout) as { modules: Record<string, LoadedScript>; metrics: string[] };
}

/**
 * Run `body` (an async module body; `until(fn, ms)`, `untilClosed(n)` and `total(metric)` are in
 * scope) in a child with k6 stubbed, and return what it recorded. Asynchronous on
 * purpose: the server under test lives in the calling process.
 */
export async function runWithK6Stubs(body: string, env: Record<string, string> = {}): Promise<K6Record> {
  const code = `${prelude(env)}
    ${body}
    console.log(JSON.stringify(globalThis.__k6));
    process.exit(0);`;
  const { stdout } = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', code], {
    encoding: 'utf8',
    timeout: 20_000,
  });
  return JSON.parse(stdout) as K6Record;
}
