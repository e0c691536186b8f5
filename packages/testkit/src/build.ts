import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { REPO_ROOT } from '@switchboard/db';

/**
 * Node flags that run a workspace `.ts` file from source: the `@switchboard/source` export
 * condition points every `@switchboard/*` import at `src/index.ts` (not `dist/`), and tsx
 * compiles it on the fly. Without the condition, imports resolve to the compiled `dist/`.
 */
export const TSX_ARGS = ['--conditions=@switchboard/source', '--import', 'tsx'] as const;

/** The solution config `npm run build` compiles: every package and service. */
export const BUILD_PROJECT = 'tsconfig.build.json';

const LOCK = path.join(REPO_ROOT, 'node_modules', '.cache', 'switchboard-build.lock');
const LOCK_WAIT_MS = 10 * 60_000;

/**
 * `tsc -b` on `project` (relative to the repo root): compiles what changed, a no-op (about a
 * second) when `dist/` is current, so a test that runs compiled JS never runs a stale build.
 * Test files run two at a time, so builds take turns (a lock directory): two compilers never
 * write the same `dist/` file at once. Throws with the compiler's output when the build fails.
 */
export function buildProjects(project: string = BUILD_PROJECT): void {
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  const result = withLock(() =>
    spawnSync(process.execPath, [tsc, '-b', path.join(REPO_ROOT, project)], {
      cwd: REPO_ROOT,
      encoding: 'utf8',
    }),
  );
  if (result.status === 0) return;
  const why = result.error?.message ?? `exit ${result.status}`;
  throw new Error(`tsc -b ${project} failed (${why}):\n${result.stdout}${result.stderr}`);
}

function withLock<T>(fn: () => T): T {
  fs.mkdirSync(path.dirname(LOCK), { recursive: true });
  const deadline = Date.now() + LOCK_WAIT_MS;
  while (!tryLock()) {
    if (Date.now() > deadline)
      throw new Error(`${LOCK} held for ${LOCK_WAIT_MS / 60_000} min; remove it if no build runs`);
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 200); // a synchronous pause
  }
  try {
    return fn();
  } finally {
    fs.rmSync(LOCK, { recursive: true, force: true });
  }
}

function tryLock(): boolean {
  try {
    fs.mkdirSync(LOCK); // atomic: exactly one process creates it
    fs.writeFileSync(path.join(LOCK, 'pid'), String(process.pid));
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    if (holderIsGone()) fs.rmSync(LOCK, { recursive: true, force: true });
    return false;
  }
}

/** The lock's process died without removing it (or never wrote its pid, over a minute ago). */
function holderIsGone(): boolean {
  try {
    process.kill(Number(fs.readFileSync(path.join(LOCK, 'pid'), 'utf8')), 0);
    return false;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ESRCH') return true;
    if (code !== 'ENOENT') return false;
    const stat = fs.statSync(LOCK, { throwIfNoEntry: false });
    return stat !== undefined && Date.now() - stat.mtimeMs > 60_000;
  }
}
