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
