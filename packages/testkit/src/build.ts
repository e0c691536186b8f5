import { spawnSync } from 'node:child_process';
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

/**
 * `tsc -b` on `project` (relative to the repo root): compiles what changed, a no-op (about a
 * second) when `dist/` is current, so a test that runs compiled JS never runs a stale build.
 * Throws with the compiler's output when the build fails.
 */
export function buildProjects(project: string = BUILD_PROJECT): void {
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  const result = spawnSync(process.execPath, [tsc, '-b', path.join(REPO_ROOT, project)], {
    cwd: REPO_ROOT,
    encoding: 'utf8',
  });
  if (result.status === 0) return;
  const why = result.error?.message ?? `exit ${result.status}`;
  throw new Error(`tsc -b ${project} failed (${why}):\n${result.stdout}${result.stderr}`);
}
