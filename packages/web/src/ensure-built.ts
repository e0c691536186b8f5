// `npm start`, `npm run cluster` and the browser tests call this: build the web app unless
// dist/ was already built from exactly the current sources (a hash, so a checkout or a pull that
// changes them triggers a build, and an unchanged tree costs a few milliseconds).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { isBuildCurrent, WEB_ROOT } from './build-inputs.ts';

const LOCK = path.join(WEB_ROOT, '.build-lock');
const LOCK_WAIT_MS = 180_000;

export function ensureWebBuilt(log: (line: string) => void = () => undefined): void {
  if (isBuildCurrent()) return;
  // Two starters at once (npm start beside a test run) must not both build: Vite refuses that.
  withLock(() => {
    if (isBuildCurrent()) return;
    log('building the web app (packages/web) …');
    const vite = path.join(WEB_ROOT, '..', '..', 'node_modules', 'vite', 'bin', 'vite.js');
    const result = spawnSync(process.execPath, [vite, 'build', '--logLevel', 'warn'], {
      cwd: WEB_ROOT,
      // Vite keeps an inherited NODE_ENV (the test runner's `test`), and React then ships its
      // development build (60 KB gzip more): what is served is always the production build.
      env: { ...process.env, NODE_ENV: 'production' },
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    if (result.status !== 0) throw new Error(`the web app build failed (exit ${result.status ?? result.signal})`);
  });
}

function withLock(run: () => void): void {
  const deadline = Date.now() + LOCK_WAIT_MS;
  for (;;) {
    try {
      fs.writeFileSync(LOCK, String(process.pid), { flag: 'wx' });
      break;
    } catch {
      if (!holderAlive()) {
        fs.rmSync(LOCK, { force: true });
        continue;
      }
      if (Date.now() > deadline) throw new Error(`another web build held ${LOCK} for ${LOCK_WAIT_MS / 1000} s`);
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 200);
    }
  }
  try {
    run();
  } finally {
    fs.rmSync(LOCK, { force: true });
  }
}

function holderAlive(): boolean {
  const pid = Number(fs.readFileSync(LOCK, { encoding: 'utf8', flag: 'r' }).trim() || NaN);
  if (!Number.isInteger(pid)) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

if (process.argv[1] && import.meta.url.endsWith(path.basename(process.argv[1]))) {
  try {
    ensureWebBuilt((line) => process.stderr.write(`switchboard: ${line}\n`));
  } catch (error) {
    process.stderr.write(`switchboard: ${(error as Error).message}\n`);
    process.exit(1);
  }
}
