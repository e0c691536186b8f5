import fs from 'node:fs';
import path from 'node:path';
import { REPO_ROOT } from '@switchboard/db';
import type { ProcessPlan } from './config.ts';

/** The compiled entry point of a folder under services/ (relative to the repo root), as `npm run build` emits it. */
export function serviceEntry(service: string): string {
  return path.join('services', service, 'dist', 'main.js');
}

/**
 * How the supervisor starts one process: plain `node` on the compiled entry point, no tsx
 * loader and no source condition, so every `@switchboard/*` import resolves to `dist/` — the
 * same JS the Docker image runs. `nodeArgs` are CLUSTER_NODE_ARGS.
 */
export function childCommand(
  plan: Pick<ProcessPlan, 'service'>,
  nodeArgs: readonly string[] = [],
): { command: string; args: string[] } {
  const entry = serviceEntry(plan.service);
  if (!fs.existsSync(path.join(REPO_ROOT, entry))) {
    throw new Error(`${entry} does not exist: run \`npm run build\` first (\`npm run cluster\` does).`);
  }
  return { command: process.execPath, args: [...nodeArgs, entry] };
}
