import type { EscalationStep } from '@switchboard/protocol';

/** Level 1 is the immediate alert to contacts and rooms; the first escalation step reaches 2. */
export const FIRST_LEVEL = 1;

/**
 * `EMERGENCY_ESCALATION` (`<delayMs>:<role>,…`, the config schema has checked its shape) as the
 * steps an alert snapshots at SOS time: each delay counts from the SOS, so steps are sorted by
 * delay and numbered from level 2. Snapshotting means a config change never alters an open alert.
 */
export function parseEscalationPolicy(text: string): EscalationStep[] {
  const steps = text
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part.length > 0)
    .map((part) => {
      const colon = part.indexOf(':');
      const delayMs = Number(part.slice(0, colon));
      const role = part.slice(colon + 1);
      if (colon <= 0 || !Number.isSafeInteger(delayMs) || delayMs < 0 || role.length === 0) {
        throw new Error(`EMERGENCY_ESCALATION step "${part}" is not <delayMs>:<role>`);
      }
      return { delayMs, role };
    });
  return steps
    .sort((a, b) => a.delayMs - b.delayMs)
    .map((step, index) => ({ level: FIRST_LEVEL + 1 + index, delayMs: step.delayMs, role: step.role }));
}

/** A snapshot read back from the alert row: only well-formed steps count. */
export function policyOf(stored: unknown): EscalationStep[] {
  if (!Array.isArray(stored)) return [];
  return stored.filter(
    (s): s is EscalationStep =>
      typeof s === 'object' &&
      s !== null &&
      typeof (s as EscalationStep).level === 'number' &&
      typeof (s as EscalationStep).delayMs === 'number' &&
      typeof (s as EscalationStep).role === 'string',
  );
}
