// Docs that tests keep true: the configuration table (README and docs/configuration.md) lists
// every variable of ENV_DOCS and is what `npm run docs:config` generates; docs/api.md names every
// event of packages/protocol.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import { REPO_ROOT } from '@switchboard/db';
import { CLIENT_SIGNALS, GATEWAY_REQUESTS, REQUESTS, SERVER_EVENTS } from '@switchboard/protocol';
import { ENV_DOCS } from '@switchboard/runtime';
import { README_TABLE_END, README_TABLE_START, renderConfigTable, renderConfigurationDoc } from './config-docs.ts';

const read = (file: string) => fs.readFileSync(path.join(REPO_ROOT, file), 'utf8');
const REGENERATE = 'run `npm run docs:config` to regenerate it';

describe('configuration docs', () => {
  const readme = read('README.md');
  const configuration = read('docs/configuration.md');

  test('the README table lists every variable of ENV_DOCS', () => {
    const table = readme.slice(readme.indexOf(README_TABLE_START), readme.indexOf(README_TABLE_END));
    for (const name of Object.keys(ENV_DOCS))
      assert.ok(table.includes(`| \`${name}\` |`), `README.md lacks ${name}: ${REGENERATE}`);
    assert.ok(table.includes(renderConfigTable()), `README.md's table is out of date: ${REGENERATE}`);
  });

  test('docs/configuration.md lists every variable and is what ENV_DOCS generates', () => {
    for (const name of Object.keys(ENV_DOCS))
      assert.ok(configuration.includes(`| \`${name}\` |`), `docs/configuration.md lacks ${name}: ${REGENERATE}`);
    assert.equal(configuration, renderConfigurationDoc(), `docs/configuration.md is out of date: ${REGENERATE}`);
  });
});

describe('API docs', () => {
  const api = read('docs/api.md');

  test('docs/api.md documents every request, client signal and server event of the protocol', () => {
    const names = [
      ...Object.keys(REQUESTS),
      ...Object.keys(GATEWAY_REQUESTS),
      ...Object.keys(CLIENT_SIGNALS),
      ...SERVER_EVENTS,
    ];
    const missing = names.filter((name) => !api.includes(`\`${name}\``));
    assert.deepEqual(missing, [], 'events missing from docs/api.md');
  });

  test('the README links the docs it promises', () => {
    const readme = read('README.md');
    for (const doc of ['docs/api.md', 'docs/architecture.md', 'docs/operations.md', 'docs/configuration.md']) {
      assert.ok(readme.includes(`(${doc})`), `README links ${doc}`);
      assert.ok(fs.existsSync(path.join(REPO_ROOT, doc)), `${doc} exists`);
    }
  });
});

describe('paths named in docs', () => {
  const SKIP = new Set(['node_modules', 'dist', '.git', '.data', '.cluster', 'generated']);
  function walk(dir: string, out: string[] = []): string[] {
    for (const entry of fs.readdirSync(path.join(REPO_ROOT, dir), { withFileTypes: true })) {
      if (SKIP.has(entry.name)) continue;
      const rel = dir === '.' ? entry.name : path.join(dir, entry.name);
      out.push(entry.isDirectory() ? `${rel}/` : rel);
      if (entry.isDirectory()) walk(rel, out);
    }
    return out;
  }
  const files = walk('.');
  // Written at run time, not kept in the repository.
  const RUNTIME_FILES = new Set(['pids.json']);
  // A file or folder name in backticks: `src/x.ts`, `handlers/rooms.ts`, `context.ts`, `docs/api.md`, `stats/`.
  const NAMED = /`((?:[\w.-]+\/)*(?:[\w-]+\.(?:ts|js|md|sql|conf|template|prisma|toml|yml|json|svg)|[\w-]+\/))`/g;

  test('every file a README or doc names in backticks exists (in its package, or anywhere for repo docs)', () => {
    const missing: string[] = [];
    for (const doc of files.filter((f) => f.endsWith('.md'))) {
      // A package's README names its own files; repository docs may name any file.
      const scope = /^(packages|services)\/[^/]+\//.exec(doc)?.[0] ?? '';
      const inScope = files.filter((f) => f.startsWith(scope));
      for (const [, named] of read(doc).matchAll(NAMED)) {
        // Build output (`dist/`) and run-time files are not in the repository.
        if (!named || named.startsWith('.') || RUNTIME_FILES.has(named) || /(^|\/)dist\//.test(named)) continue;
        const exists = inScope.some((f) => f === named || f.endsWith(`/${named}`)) || files.includes(named);
        if (!exists) missing.push(`${doc}: ${named}`);
      }
    }
    assert.deepEqual(missing, [], 'stale file names in docs');
  });
});
