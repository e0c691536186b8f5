import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
export const REPO_ROOT = path.resolve(here, '../../..');
const CONFIG = path.join(REPO_ROOT, 'prisma', 'prisma.config.ts');

/**
 * `prisma migrate deploy` against `databaseUrl`. Every start command and the test setup call
 * it. The WebAssembly schema engine holds the process ~10 s after finishing (an internal timer),
 * so we stop waiting once the CLI reports success.
 */
export async function migrateDeploy(databaseUrl: string): Promise<void> {
  await runPrisma(['migrate', 'deploy', '--config', CONFIG], databaseUrl);
}

function prismaCli(): string {
  const require = createRequire(import.meta.url);
  return path.join(path.dirname(require.resolve('prisma/package.json')), 'build', 'index.js');
}

const DONE = /All migrations have been successfully applied|No pending migrations to apply/;

async function runPrisma(args: string[], databaseUrl: string): Promise<void> {
  const child = spawn(process.execPath, [prismaCli(), ...args], {
    cwd: REPO_ROOT,
    env: { ...process.env, DATABASE_URL: databaseUrl, CHECKPOINT_DISABLE: '1', PRISMA_HIDE_UPDATE_MESSAGE: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  await new Promise<void>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (DONE.test(output)) {
        child.kill('SIGTERM');
        resolve();
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('error', reject);
    child.on('exit', (code) => {
      if (DONE.test(output)) return resolve();
      reject(new Error(`prisma ${args[0]} ${args[1]} failed (exit ${code}):\n${output.trim()}`));
    });
  });
}
