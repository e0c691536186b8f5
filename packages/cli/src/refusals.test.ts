// Error sentences live in one catalogue per package (`refusals.ts`, or protocol's auth and
// validation modules): a sentence written inline where an error is raised drifts from the docs
// and tests that quote it. This test finds inline ones in the code that ships.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { REPO_ROOT } from '@switchboard/db';

const ROOTS = ['packages', 'services'];
/** Not shipped code paths, or code whose sentences are not refusals (the web app shows its own). */
const SKIPPED_DIRS = new Set(['node_modules', 'dist', 'generated', 'testing', 'web', 'bench', 'e2e']);
const CATALOGUES = new Set(['refusals.ts']);

/** An error raised or answered with a literal sentence: `new AppError('CODE', '…')`, `{ code: 'CODE', error: '…' }`. */
const INLINE = [
  /\b(?:AppError|SwitchboardError)\(\s*'[A-Z_]+',\s*['"`]/,
  /\bcode: '[A-Z_]+',\s*error: ['"`]/,
  /\bstatus: \d{3},\s*error: ['"`]/,
];

function* sourceFiles(dir: string): Generator<string> {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    if (entry.isDirectory()) {
      if (!SKIPPED_DIRS.has(entry.name)) yield* sourceFiles(path.join(dir, entry.name));
    } else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts') && !entry.name.endsWith('.contract.ts')) {
      yield path.join(dir, entry.name);
    }
  }
}

test('no error sentence is written inline outside its package catalogue (refusals.ts)', () => {
  const inline: string[] = [];
  for (const root of ROOTS) {
    for (const file of sourceFiles(path.join(REPO_ROOT, root))) {
      if (CATALOGUES.has(path.basename(file))) continue;
      fs.readFileSync(file, 'utf8')
        .split('\n')
        .forEach((line, i) => {
          if (INLINE.some((pattern) => pattern.test(line))) inline.push(`${path.relative(REPO_ROOT, file)}:${i + 1}`);
        });
    }
  }
  assert.deepEqual(inline, [], 'move these sentences into the package’s refusals.ts');
});

test('the pattern finds an inline sentence (so the scan above can fail)', () => {
  assert.ok(INLINE.some((pattern) => pattern.test(`throw new AppError('FORBIDDEN', 'Nope');`)));
  assert.ok(INLINE.some((pattern) => pattern.test(`ack({ success: false, code: 'INVALID_PAYLOAD', error: 'x' })`)));
  assert.ok(!INLINE.some((pattern) => pattern.test(`throw new AppError('FORBIDDEN', ACCESS_DENIED);`)));
});
