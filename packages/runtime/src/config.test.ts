import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { BaseConfigSchema, ConfigError, ENV_DOCS, parseEnv } from './config.ts';

describe('configuration', () => {
  test('defaults apply when nothing is set', () => {
    const config = parseEnv(BaseConfigSchema, {});
    assert.equal(config.REDIS_PREFIX, 'sb:');
    assert.equal(config.BUS_TIMEOUT_MS, 5000);
    assert.equal(config.MESSAGE_COMMITS_IN_FLIGHT, 2);
  });

  test('commits in flight are 1 to 8', () => {
    assert.equal(parseEnv(BaseConfigSchema, { MESSAGE_COMMITS_IN_FLIGHT: '1' }).MESSAGE_COMMITS_IN_FLIGHT, 1);
    for (const bad of ['0', '9', 'two']) {
      assert.throws(
        () => parseEnv(BaseConfigSchema, { MESSAGE_COMMITS_IN_FLIGHT: bad }),
        (error: unknown) => error instanceof ConfigError && /MESSAGE_COMMITS_IN_FLIGHT/.test(error.problems.join('\n')),
      );
    }
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

describe('WEB_ICE_SERVERS', () => {
  const problems = (value: string): string => {
    try {
      parseEnv(BaseConfigSchema, { WEB_ICE_SERVERS: value });
    } catch (error) {
      assert.ok(error instanceof ConfigError);
      return error.problems.join('\n');
    }
    assert.fail(`${value} was accepted`);
  };

  test('unset or blank is no ICE servers (host candidates only)', () => {
    assert.deepEqual(parseEnv(BaseConfigSchema, {}).WEB_ICE_SERVERS, []);
    assert.deepEqual(parseEnv(BaseConfigSchema, { WEB_ICE_SERVERS: ' ' }).WEB_ICE_SERVERS, []);
  });

  test('a JSON array of RTCIceServer entries is parsed as given', () => {
    const servers = [
      { urls: 'stun:stun.example.org:3478' },
      {
        urls: ['turn:turn.example.org:3478?transport=udp', 'turns:turn.example.org:5349'],
        username: 'u',
        credential: 'p',
      },
    ];
    assert.deepEqual(parseEnv(BaseConfigSchema, { WEB_ICE_SERVERS: JSON.stringify(servers) }).WEB_ICE_SERVERS, servers);
  });

  test('text that is not JSON names the variable and says what it takes', () => {
    assert.match(problems('stun:stun.example.org'), /^WEB_ICE_SERVERS: must be a JSON array of ICE servers/);
  });

  test('a bad entry names the variable and the field', () => {
    assert.match(problems('{"urls":"stun:a"}'), /^WEB_ICE_SERVERS: .*array/i);
    assert.match(
      problems('[{"urls":"http://a"}]'),
      /^WEB_ICE_SERVERS\.0\.urls: must be a stun:, stuns:, turn: or turns: URL/,
    );
    assert.match(problems('[{"urls":[]}]'), /^WEB_ICE_SERVERS\.0\.urls: must list at least one URL/);
    assert.match(problems('[{"url":"stun:a"}]'), /^WEB_ICE_SERVERS\.0/);
    assert.match(
      problems('[{"urls":"stun:a"},{"urls":"turn:b","username":"u"}]'),
      /^WEB_ICE_SERVERS\.1: a turn: or turns: server needs username and credential/,
    );
  });
});
