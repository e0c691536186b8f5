import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createMetrics } from './metrics.ts';

describe('metrics', () => {
  test('per-socket deliveries counted with countOutgoing appear in events_out at the next scrape, once', async () => {
    const metrics = createMetrics('gateway');
    metrics.eventsOut.inc({ event: 'message:new' });
    for (let i = 0; i < 5; i++) metrics.countOutgoing('message:new');
    metrics.countOutgoing('typing');
    const value = async (event: string) =>
      (await metrics.eventsOut.get()).values.find((v) => v.labels.event === event)?.value;
    assert.equal(await value('message:new'), 6);
    assert.equal(await value('typing'), 1);
    // A second scrape adds nothing new: the tally was moved into the counter, not copied.
    assert.equal(await value('message:new'), 6);
    assert.match(
      await metrics.registry.metrics(),
      /switchboard_events_out_total\{event="message:new",service="gateway"\} 6/,
    );
  });
});
