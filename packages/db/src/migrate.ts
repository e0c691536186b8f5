import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
export const REPO_ROOT = path.resolve(here, '../../..');
export const PRISMA_CONFIG = path.join(REPO_ROOT, 'prisma', 'prisma.config.ts');
/** Environment for the Prisma CLI (read at call time): no telemetry, no update notice. */
export function prismaEnv(): NodeJS.ProcessEnv {
  return { ...process.env, CHECKPOINT_DISABLE: '1', PRISMA_HIDE_UPDATE_MESSAGE: '1' };
}

/**
 * `prisma migrate deploy` against `databaseUrl`. Every start command and the test setup call
 * it. The WebAssembly schema engine holds the process ~10 s after finishing (an internal timer),
 * so we stop waiting once the CLI reports success.
 */
export async function migrateDeploy(databaseUrl: string): Promise<void> {
  await runPrisma(['migrate', 'deploy', '--config', PRISMA_CONFIG], databaseUrl);
}

/** The Prisma CLI's entry script, run with this Node (`node <it> migrate …`). */
export function prismaCli(): string {
  const require = createRequire(import.meta.url);
  return path.join(path.dirname(require.resolve('prisma/package.json')), 'build', 'index.js');
}

const DONE = /All migrations have been successfully applied|No pending migrations to apply/;

async function runPrisma(args: string[], databaseUrl: string): Promise<void> {
  const child = spawn(process.execPath, [prismaCli(), ...args], {
    cwd: REPO_ROOT,
    env: { ...prismaEnv(), DATABASE_URL: databaseUrl },
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
