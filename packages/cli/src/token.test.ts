// `npm run token` mints tokens the gateway accepts: same secret, same claims.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, test } from 'node:test';
import { REPO_ROOT } from '@switchboard/db';
import { createTokenVerifier, DEV_JWT_SECRET } from '@switchboard/runtime';
import { TSX_ARGS } from '@switchboard/testkit';

const run = (args: string[], env: Record<string, string> = {}) => {
  const base = { ...process.env };
  delete base.JWT_SECRET;
  return spawnSync(process.execPath, [...TSX_ARGS, path.join('packages', 'cli', 'src', 'token.ts'), ...args], {
    cwd: REPO_ROOT,
    encoding: 'utf8',
    env: { ...base, ...env },
  });
};

describe('npm run token', () => {
  test('signs with JWT_SECRET and carries name, role and a normalised phone', () => {
    const secret = 'a-test-secret-of-some-length';
    const result = run(['alice', '--name', 'Alice', '--role', 'admin', '--phone', '+1 (555) 010-2030'], {
      JWT_SECRET: secret,
    });
    assert.equal(result.status, 0, result.stderr);
    const principal = createTokenVerifier({ secret }).verify(result.stdout.trim());
    assert.deepEqual(principal, { userId: 'alice', name: 'Alice', role: 'admin', phone: '+15550102030' });
  });

  test('falls back to the dev secret with a warning', () => {
    const result = run(['bob']);
    assert.equal(result.status, 0, result.stderr);
    assert.match(result.stderr, /dev default secret/);
    assert.equal(createTokenVerifier({ secret: DEV_JWT_SECRET }).verify(result.stdout.trim()).userId, 'bob');
  });

  test('without a user id prints the usage and fails', () => {
    const result = run([]);
    assert.equal(result.status, 2);
    assert.match(result.stderr, /usage: npm run token -- <userId>/);
    assert.equal(result.stdout, '');
  });
});
