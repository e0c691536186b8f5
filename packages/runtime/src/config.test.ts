import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { BaseConfigSchema, ConfigError, ENV_DOCS, parseEnv } from './config.ts';

describe('configuration', () => {
  test('defaults apply when nothing is set', () => {
    const config = parseEnv(BaseConfigSchema, {});
    assert.equal(config.REDIS_PREFIX, 'sb:');
    assert.equal(config.BUS_TIMEOUT_MS, 5000);
  });

  test('every bad variable is reported at once', () => {
    assert.throws(
      () => parseEnv(BaseConfigSchema, { REDIS_URL: 'nope', BUS_TIMEOUT_MS: '-1', LOG_LEVEL: 'loud' }),
      (error: unknown) => {
        assert.ok(error instanceof ConfigError);
        const text = error.problems.join('\n');
        for (const name of ['REDIS_URL', 'BUS_TIMEOUT_MS', 'LOG_LEVEL']) assert.match(text, new RegExp(name));
        return true;
      },
    );
  });

  test('every variable of the schema is documented', () => {
    for (const key of Object.keys(BaseConfigSchema.shape)) assert.ok(ENV_DOCS[key], `${key} has no ENV_DOCS entry`);
  });
});
