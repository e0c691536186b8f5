import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { BaseConfigSchema } from '@switchboard/runtime';
import { parseEscalationPolicy, policyOf } from './policy.ts';

describe('escalation policy', () => {
  test('the default policy is supervisor at 5 min (level 2), admin at 15 min (level 3)', () => {
    const { EMERGENCY_ESCALATION } = BaseConfigSchema.parse({});
    assert.deepEqual(parseEscalationPolicy(EMERGENCY_ESCALATION), [
      { level: 2, delayMs: 300_000, role: 'supervisor' },
      { level: 3, delayMs: 900_000, role: 'admin' },
    ]);
  });

  test('steps are ordered by delay whatever the order written, and a role may repeat', () => {
    assert.deepEqual(parseEscalationPolicy('900:admin, 100:guard,500:guard'), [
      { level: 2, delayMs: 100, role: 'guard' },
      { level: 3, delayMs: 500, role: 'guard' },
      { level: 4, delayMs: 900, role: 'admin' },
    ]);
  });

  test('a malformed step is refused with its text', () => {
    assert.throws(() => parseEscalationPolicy('100:guard,abc'), /"abc" is not <delayMs>:<role>/);
    assert.throws(() => parseEscalationPolicy('-5:guard'), /"-5:guard"/);
    assert.throws(() => parseEscalationPolicy('100:'), /"100:"/);
  });

  test('the config refuses a malformed EMERGENCY_ESCALATION before the service starts', () => {
    assert.equal(BaseConfigSchema.safeParse({ EMERGENCY_ESCALATION: '100guard' }).success, false);
    assert.equal(BaseConfigSchema.safeParse({ EMERGENCY_ESCALATION: '100:guard,' }).success, false);
  });

  test('a stored snapshot keeps only well-formed steps', () => {
    assert.deepEqual(policyOf([{ level: 2, delayMs: 5, role: 'a' }, { level: 'x' }, null, 3]), [
      { level: 2, delayMs: 5, role: 'a' },
    ]);
    assert.deepEqual(policyOf({ not: 'an array' }), []);
  });
});
