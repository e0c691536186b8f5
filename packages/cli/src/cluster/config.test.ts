// REPLICAS and the port plan: what the runner starts, and that `clusterPorts` (used by the e2e
// harness and the benchmarks to find a free block) names exactly the ports the runner binds.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ConfigError, parseEnv } from '@switchboard/runtime';
import {
  CLUSTER_SERVICES,
  ClusterRunnerSchema,
  formatReplicas,
  MAX_PORT_OFFSET,
  MAX_REPLICAS,
  planProcesses,
} from './config.ts';
import { clusterPorts } from './ports.ts';

const parse = (env: Record<string, string>) => ClusterRunnerSchema.parse(env);
const problems = (env: Record<string, string>) => {
  try {
    parseEnv(ClusterRunnerSchema, env);
  } catch (error) {
    if (error instanceof ConfigError) return error.message;
    throw error;
  }
  assert.fail(`accepted ${JSON.stringify(env)}`);
};

describe('REPLICAS', () => {
  test('unset, every service runs once under its own name, on PORT+31 …', () => {
    const plans = planProcesses(parse({ PORT: '8080' }));
    const services = plans.filter((p) => p.kind === 'service');
    assert.deepEqual(
      services.map((p) => p.name),
      [...CLUSTER_SERVICES],
    );
    assert.deepEqual(
      services.map((p) => p.port),
      [8111, 8112, 8113, 8114],
    );
  });

  test('messaging=2,presence=3 starts messaging-1, messaging-2 and presence-1 … 3, the rest once', () => {
    const config = parse({ PORT: '8080', REPLICAS: ' messaging=2, presence = 3 ' });
    assert.deepEqual(config.REPLICAS, { messaging: 2, presence: 3, 'call-signaling': 1, notification: 1 });
    const services = planProcesses(config).filter((p) => p.kind === 'service');
    assert.deepEqual(
      services.map((p) => `${p.name}@${p.port}`),
      [
        'messaging-1@8111',
        'messaging-2@8115',
        'presence-1@8112',
        'presence-2@8116',
        'presence-3@8120',
        'call-signaling@8113',
        'notification@8114',
      ],
    );
    for (const plan of services) assert.equal(plan.env.SERVICE_PORT, String(plan.port));
    assert.deepEqual(
      new Set(services.filter((p) => p.name.startsWith('presence')).map((p) => p.service)),
      new Set(['presence']),
    );
  });

  test('refuses unknown services, counts below 1 or above the maximum, repeats and malformed entries, naming each', () => {
    const message = problems({ REPLICAS: 'messaging=0,chat=2,presence=1.5,presence=2,notification=99,call-signaling' });
    assert.match(message, /REPLICAS: messaging=0: the count must be a whole number from 1 to 8/);
    assert.match(
      message,
      /REPLICAS: unknown service "chat" \(known: messaging, presence, call-signaling, notification\)/,
    );
    assert.match(message, /REPLICAS: presence=1\.5: the count must be a whole number/);
    assert.match(message, /REPLICAS: presence is named twice/);
    assert.match(
      message,
      new RegExp(`REPLICAS: notification=99: the count must be a whole number from 1 to ${MAX_REPLICAS}`),
    );
    assert.match(message, /REPLICAS: "call-signaling" is not <service>=<count>/);
    assert.match(problems({ REPLICAS: 'gateway=2' }), /unknown service "gateway"/);
    assert.match(problems({ REPLICAS: 'messaging=-1' }), /messaging=-1: the count must be/);
  });

  test('formatReplicas writes what the schema reads', () => {
    const text = formatReplicas({ messaging: 2, notification: 3 });
    assert.equal(text, 'messaging=2,notification=3');
    assert.deepEqual(parse({ REPLICAS: text }).REPLICAS, {
      messaging: 2,
      presence: 1,
      'call-signaling': 1,
      notification: 3,
    });
  });
});

describe('the port plan', () => {
  const cases: Record<string, string>[] = [
    { PORT: '8080' },
    { PORT: '9000', GATEWAYS: '3' },
    { PORT: '20000', GATEWAYS: '16', REPLICAS: CLUSTER_SERVICES.map((s) => `${s}=${MAX_REPLICAS}`).join(',') },
    { PORT: '30000', GATEWAYS: '1', REPLICAS: 'messaging=2,call-signaling=4' },
  ];

  for (const env of cases) {
    test(`clusterPorts names exactly the ports the runner binds (${JSON.stringify(env)})`, () => {
      const config = parse(env);
      const planned = [config.PORT, ...planProcesses(config).map((p) => p.port)];
      assert.equal(new Set(planned).size, planned.length, 'no port is used twice');
      assert.deepEqual(clusterPorts(config.PORT, config.GATEWAYS, config.REPLICAS).sort(), planned.sort());
      assert.ok(Math.max(...planned) <= config.PORT + MAX_PORT_OFFSET);
    });
  }

  test('a PORT too high for the largest plan is refused', () => {
    assert.equal(parse({ PORT: String(65535 - MAX_PORT_OFFSET) }).PORT, 65535 - MAX_PORT_OFFSET);
    assert.match(problems({ PORT: String(65536 - MAX_PORT_OFFSET) }), /\bPORT: Too big/);
  });
});
