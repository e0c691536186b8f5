import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { handleStandIns, MemoryBus } from '@switchboard/bus';
import type { ActivitiesPayload } from '@switchboard/protocol';
import { createLogger } from '@switchboard/runtime';
import { capturingLogger, waitFor } from '@switchboard/testkit';
import { ACTIVITY_THROTTLE_MS, ActivityReporter, createActivityThrottle } from './activity.ts';

const log = createLogger({ service: 'test', level: 'silent' });

describe('activity throttle', () => {
  test('reports a socket at most once per window, starting a window after connect', () => {
    let clock = 0;
    const throttle = createActivityThrottle(ACTIVITY_THROTTLE_MS, () => clock);
    throttle.opened('s1');
    clock += 1000;
    assert.equal(throttle.due('s1'), false);
    clock += ACTIVITY_THROTTLE_MS;
    assert.equal(throttle.due('s1'), true);
    assert.equal(throttle.due('s1'), false);
    clock += ACTIVITY_THROTTLE_MS;
    assert.equal(throttle.due('s1'), true);
  });

  test('sockets are throttled independently and forgotten when closed', () => {
    let clock = 100_000;
    const throttle = createActivityThrottle(ACTIVITY_THROTTLE_MS, () => clock);
    throttle.opened('a');
    clock += ACTIVITY_THROTTLE_MS;
    assert.equal(throttle.due('a'), true);
    throttle.opened('b');
    assert.equal(throttle.due('b'), false);
    throttle.closed('a');
    assert.equal(throttle.due('a'), true, 'an unknown socket is due');
  });
});

describe('activity reporter', () => {
  let bus: MemoryBus;
  let reports: ActivitiesPayload[];
  let reporter: ActivityReporter | undefined;

  beforeEach(async () => {
    bus = new MemoryBus();
    reports = [];
    await handleStandIns(bus, {
      presence: {
        'presence:activities': async (payload: ActivitiesPayload) => {
          reports.push(payload);
          return {};
        },
      },
    });
  });
  afterEach(async () => {
    await reporter?.flush();
    await bus.close();
  });

  test("a window's reports go as one entry, each user once, in the order first seen", async () => {
    reporter = new ActivityReporter({ bus, log, gatewayId: 'gw-1', windowMs: 30 });
    for (const user of ['u1', 'u2', 'u1', 'u3', 'u2']) reporter.report(user);
    assert.equal(reports.length, 0, 'nothing before the window ends');
    await waitFor(() => reports.length === 1);
    assert.deepEqual(reports, [{ gatewayId: 'gw-1', userIds: ['u1', 'u2', 'u3'] }]);
    reporter.report('u1');
    await waitFor(() => reports.length === 2);
    assert.deepEqual(reports[1]?.userIds, ['u1'], 'a later window reports the user again');
  });

  test('a full window is sent at once; flush sends what is left without waiting for the window', async () => {
    reporter = new ActivityReporter({ bus, log, gatewayId: 'gw-1', windowMs: 60_000, maxBatch: 2 });
    reporter.report('a');
    reporter.report('b');
    await waitFor(() => reports.length === 1);
    reporter.report('c');
    await reporter.flush();
    assert.deepEqual(
      reports.map((r) => r.userIds),
      [['a', 'b'], ['c']],
    );
    await reporter.flush();
    assert.equal(reports.length, 2, 'an empty window sends nothing');
  });

  test('a send that fails is logged, not thrown', async () => {
    const failing = new MemoryBus();
    const { log: warnLog, lines } = capturingLogger('warn');
    await failing.close(); // a closed bus refuses every send (UNAVAILABLE)
    reporter = new ActivityReporter({ bus: failing, log: warnLog, gatewayId: 'gw-1', windowMs: 10 });
    reporter.report('u1');
    await reporter.flush();
    assert.deepEqual(
      lines.map((l) => l.msg),
      ['activity not sent'],
    );
  });
});
