import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ClusterConfigSchema } from './run-process.ts';

test('a cluster process lists every missing variable at once, the JWT secret included', () => {
  const result = ClusterConfigSchema.safeParse({});
  assert.equal(result.success, false);
  const fields = result.error!.issues.map((i) => i.path.join('.'));
  for (const name of ['REDIS_URL', 'DATABASE_URL', 'SERVICE_PORT', 'JWT_SECRET'])
    assert.ok(fields.includes(name), `${name} in ${fields}`);
});

test('a complete cluster configuration parses', () => {
  const result = ClusterConfigSchema.safeParse({
    REDIS_URL: 'redis://127.0.0.1:6379',
    DATABASE_URL: 'postgresql://x@y/z',
    SERVICE_PORT: '0',
    JWT_SECRET: 'long-enough-secret',
  });
  assert.equal(result.success, true);
});
