import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { AlertAuditEntry } from '@switchboard/protocol';
import { escalationLateness } from './lateness.ts';

const steps = [
  { level: 2, delayMs: 2000, role: 'supervisor' },
  { level: 3, delayMs: 4000, role: 'admin' },
];
const createdAt = '2026-01-01T00:00:00.000Z';
const at = (ms: number) => new Date(Date.parse(createdAt) + ms).toISOString();
const audit: AlertAuditEntry[] = [
  { at: at(0), action: 'triggered', level: 1 },
  { at: at(5), action: 'notified' },
  { at: at(2035), action: 'escalated', level: 2 },
  { at: at(4012), action: 'escalated', level: 3 },
];

describe('escalation lateness', () => {
  test('is each step’s audit time minus created + delay, and the first receipt minus the same due time', () => {
    const receipts: Record<number, number> = { 2: Date.parse(createdAt) + 2050.5 };
    assert.deepEqual(
      escalationLateness(createdAt, steps, audit, (level) => receipts[level]),
      [
        { level: 2, firedMs: 35, receivedMs: 50.5 },
        { level: 3, firedMs: 12 },
      ],
    );
  });

  test('a step that fired early shows as negative, not clamped', () => {
    const early: AlertAuditEntry[] = [
      { at: at(1990), action: 'escalated', level: 2 },
      { at: at(4000), action: 'escalated', level: 3 },
    ];
    assert.deepEqual(
      escalationLateness(createdAt, steps, early).map((s) => s.firedMs),
      [-10, 0],
    );
  });

  test('a skipped or repeated step throws instead of being counted', () => {
    assert.throws(() => escalationLateness(createdAt, steps, audit.slice(0, 3)), /level 3 is in the audit 0 times/);
    const twice = [...audit, { at: at(2100), action: 'escalated' as const, level: 2 }];
    assert.throws(() => escalationLateness(createdAt, steps, twice), /level 2 is in the audit 2 times/);
  });

  test('an unreadable createdAt throws', () => {
    assert.throws(() => escalationLateness('yesterday', steps, audit), /not a date/);
  });
});
