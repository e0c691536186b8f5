import type { AlertAuditEntry, EscalationStep } from '@switchboard/protocol';

export interface StepLateness {
  level: number;
  /** The audit's `escalated` entry time − (createdAt + the step's delay): the server's lateness. */
  firedMs: number;
  /** The first contact's receipt of `emergency:escalated` − due, when one was received. */
  receivedMs?: number;
}

/**
 * How late each escalation step of one alert was. A step missing from the audit, or there twice,
 * is not a lateness but a broken guarantee, so it throws rather than being averaged away.
 */
export function escalationLateness(
  createdAt: string,
  steps: readonly EscalationStep[],
  audit: readonly AlertAuditEntry[],
  firstReceipt: (level: number) => number | undefined = () => undefined,
): StepLateness[] {
  const created = Date.parse(createdAt);
  if (Number.isNaN(created)) throw new Error(`createdAt is not a date: ${createdAt}`);
  return steps.map((step) => {
    const entries = audit.filter((a) => a.action === 'escalated' && a.level === step.level);
    if (entries.length !== 1) throw new Error(`level ${step.level} is in the audit ${entries.length} times, not once`);
    const due = created + step.delayMs;
    const received = firstReceipt(step.level);
    return {
      level: step.level,
      firedMs: Date.parse(entries[0]!.at) - due,
      ...(received === undefined ? {} : { receivedMs: received - due }),
    };
  });
}
