// k6/call-signaling.js's pair flow on an emulated k6/ws (k6/testing/) against a real gateway,
// messaging and call-signaling: the caller creates a room with its callee, rings, the callee
// accepts, offer / ICE / answer are relayed, the caller hangs up. (k6 itself cannot run here.)
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { MemoryBus } from '@switchboard/bus';
import { start as startCallSignaling } from '@switchboard/call-signaling';
import { REPO_ROOT } from '@switchboard/db';
import { ioBroadcaster } from '@switchboard/gateway';
import type { RunningService } from '@switchboard/host';
import { start as startMessaging } from '@switchboard/messaging';
import { createMetrics, createTokenVerifier } from '@switchboard/runtime';
import { createTestDatabase, type TestDatabase, testLogger } from '@switchboard/testkit';
import { runWithK6Stubs } from '../../../k6/testing/k6-stubs.ts';
import { startTestGateway, TEST_SECRET, type TestGateway } from '../../../services/gateway/src/test-harness.ts';

const SCRIPT = pathToFileURL(path.join(REPO_ROOT, 'k6', 'call-signaling.js')).href;

describe('k6 call-signaling.js against a server with calls', () => {
  let database: TestDatabase;
  let bus: MemoryBus;
  let gw: TestGateway;
  const services: RunningService[] = [];

  before(async () => {
    database = await createTestDatabase('k6_calls');
    bus = new MemoryBus({ timeoutMs: 5000 });
    gw = await startTestGateway({ bus });
    const deps = {
      config: gw.config,
      bus,
      db: database.db,
      broadcaster: ioBroadcaster(gw.gateway.io),
      verifier: createTokenVerifier({ secret: TEST_SECRET }),
    };
    services.push(await startMessaging({ ...deps, log: testLogger('messaging'), metrics: createMetrics('messaging') }));
    services.push(
      await startCallSignaling({
        ...deps,
        log: testLogger('call-signaling'),
        metrics: createMetrics('call-signaling'),
      }),
    );
  });
  after(async () => {
    await gw.close();
    for (const service of services) await service.close();
    await bus.close();
    await database.drop();
  });

  test('the probe finds calls built; one pair sets up a call, relays signals both ways and hangs up', async () => {
    const record = await runWithK6Stubs(
      `
      const calls = await import(${JSON.stringify(SCRIPT)});
      const { identities } = await import(${JSON.stringify(pathToFileURL(path.join(REPO_ROOT, 'k6', 'lib', 'config.js')).href)});
      globalThis.__k6.extra = {};
      calls.probeCalls(identities('probe', 'calls'), (response) => (globalThis.__k6.extra.probe = response));
      await until(() => globalThis.__k6.extra.probe);
      await untilClosed(1);
      const data = { runId: 'pair', callsBuilt: calls.callsBuiltFrom(globalThis.__k6.extra.probe) };
      globalThis.__exec.vu.idInTest = 2;
      calls.default(data); // the callee (k6 blocks here; the emulation returns at once)
      globalThis.__exec.vu.idInTest = 1;
      calls.default(data); // the caller
      await untilClosed(3);`,
      { BASE_URL: gw.url, JWT_SECRET: TEST_SECRET, HOLD_SECONDS: '0', ICE_CANDIDATES: '2' },
    );
    assert.equal(
      (record.extra?.probe as { success?: boolean } | undefined)?.success,
      true,
      JSON.stringify(record.extra),
    );
    assert.ok(
      record.checks.every((c) => c.ok),
      JSON.stringify(record.checks.filter((c) => !c.ok)),
    );
    for (const name of ['call:initiate succeeded', 'call:accept succeeded', 'call:end succeeded'])
      assert.equal(record.checks.filter((c) => c.name === name).length, 1, `${name}: ${JSON.stringify(record.checks)}`);
    const samples = (metric: string) => record.samples.filter((s) => s.metric === metric);
    assert.equal(samples('sb_call_setup_ms').length, 1, 'initiate → accepted measured once');
    // offer + 2 ICE candidates at the callee, the answer at the caller.
    assert.equal(samples('sb_call_signal_ms').length, 4);
    // The probe's call (ended at once: cancelled) and the pair's (hung up).
    const rows = await database.db.call.findMany({ orderBy: { createdAt: 'asc' } });
    assert.deepEqual(
      rows.map((c) => [c.state, c.reason]),
      [
        ['ended', 'cancelled'],
        ['ended', 'hangup'],
      ],
    );
  });
});
