import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { type ClientTimes, hopTraceMarkdown, hopTraceTable } from './hop-trace.ts';

describe('hop trace table', () => {
  test('medians per process and hop since the client send, in path order, ignoring unknown keys', () => {
    const sent = new Map<string, ClientTimes>([
      ['m1', { sentAt: 1000, ackAt: 1030, firstDeliveryAt: 1040, lastDeliveryAt: 1090 }],
      ['m2', { sentAt: 2000, ackAt: 2050, firstDeliveryAt: 2060, lastDeliveryAt: 2070 }],
      ['m3', { sentAt: 3000 }],
    ]);
    const table = hopTraceTable(20, sent, [
      {
        process: 'gateway-1',
        marks: [
          { key: 'm1', hop: 'request received', at: 1002 },
          { key: 'm2', hop: 'request received', at: 2004 },
          { key: 'other-run', hop: 'request received', at: 5 },
        ],
      },
      {
        process: 'messaging',
        marks: [
          { key: 'm1', hop: 'commit ends', at: 1020 },
          { key: 'm2', hop: 'commit ends', at: 2030 },
        ],
      },
    ]);
    assert.equal(table.traced, 2, 'm3 has no marks: not traced');
    assert.deepEqual(
      table.rows.map((r) => [r.hop, r.count, r.p50Ms]),
      [
        ['gateway-1: request received', 2, 3],
        ['messaging: commit ends', 2, 25],
        ['client: ack received', 2, 40],
        ['client: first delivery', 2, 50],
        ['client: last delivery', 2, 80],
      ],
    );
    const markdown = hopTraceMarkdown(table);
    assert.match(markdown, /1 in 20 messages, 2 traced/);
    assert.match(markdown, /\| messaging: commit ends \| 2 \| 25 \| 22 \|/);
  });
});
