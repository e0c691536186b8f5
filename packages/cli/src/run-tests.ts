// `npm test`: prepares the migrated template database once, then runs every test file with
// node's test runner — unit and integration tests first, then the cluster end-to-end suite
// (which starts `npm run cluster` itself and so must run alone).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

// `npx tsx packages/cli/src/run-tests.ts <path-part>` (the documented way to run a subset) starts
// without the `@switchboard/source` condition, so `@switchboard/*` would resolve to dist/ (stale, or
// not built yet): run again under it (testkit's TSX_ARGS, spelled out: testkit cannot be imported
// yet). Hence the workspace imports below are dynamic.
function resolvesToSource(specifier: string): boolean {
  try {
    return import.meta.resolve(specifier).endsWith('.ts');
  } catch {
    return false; // dist/ not built
  }
}
if (!resolvesToSource('@switchboard/testkit')) {
  const args = ['--conditions=@switchboard/source', '--import', 'tsx', fileURLToPath(import.meta.url)];
  const again = spawnSync(process.execPath, [...args, ...process.argv.slice(2)], { stdio: 'inherit' });
  process.exit(again.status ?? 1);
}
const { REPO_ROOT } = await import('@switchboard/db');
const { dropTemplateDatabase, prepareTemplateDatabase, TSX_ARGS } = await import('@switchboard/testkit');

function findTests(dir: string, out: string[] = []): string[] {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name === 'generated' || entry.name.startsWith('.')) continue;
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) findTests(full, out);
    else if (entry.name.endsWith('.test.ts')) out.push(path.relative(REPO_ROOT, full));
  }
  return out.sort();
}

const filter = process.argv.slice(2);
const all = [...findTests(path.join(REPO_ROOT, 'packages')), ...findTests(path.join(REPO_ROOT, 'services'))].filter(
  (f) => filter.length === 0 || filter.some((needle) => f.includes(needle)),
);
// The browser tests start servers and Chromium like the e2e suite does, so they run alone too.
const e2e = all.filter(
  (f) => f.startsWith(path.join('packages', 'e2e')) || /^packages\/web\/src\/web-[^/]*\.test\.ts$/.test(f),
);
const rest = all.filter((f) => !e2e.includes(f));

// A template of this run's own, so two runs on one machine never drop each other's.
process.env.TEST_TEMPLATE_DB ??= `sb_tpl_${process.pid}`;
await prepareTemplateDatabase();

function run(files: string[], concurrency: number): number {
  if (files.length === 0) return 0;
  const result = spawnSync(
    process.execPath,
    [...TSX_ARGS, '--test', `--test-concurrency=${concurrency}`, '--test-reporter=spec', ...files],
    { cwd: REPO_ROOT, stdio: 'inherit', env: { ...process.env, NODE_ENV: 'test' } },
  );
  return result.status ?? 1;
}

const unitStatus = run(rest, 2);
const e2eStatus = run(e2e, 1);
await dropTemplateDatabase();
process.exit(unitStatus || e2eStatus);
