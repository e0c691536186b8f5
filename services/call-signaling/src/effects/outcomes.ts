import type { CallOutcome } from '../machine/call-engine.ts';
import type { Announcer } from './announce.ts';
import type { PresenceLink } from './presence-link.ts';

export interface OutcomeDeps {
  announce: Announcer;
  presence: PresenceLink;
  /** A timer due now was written (missed-call notification): poll at once. */
  wakeTimers: () => void;
  onEnded?: (reason: string) => void;
}

/**
 * Runs a committed transition's effects: the events of PROTOCOL.md at once, then presence in the
 * background (a slow or absent presence service must not hold up the ack).
 */
export type ApplyOutcome = (outcome: CallOutcome) => Promise<void>;

export function createOutcomeApplier({ announce, presence, wakeTimers, onEnded }: OutcomeDeps): ApplyOutcome {
  return async (outcome) => {
    switch (outcome.kind) {
      case 'ringing':
        announce.incoming(outcome.row);
        return;
      case 'accepted':
        announce.accepted(outcome.row, outcome.answeringSocketId);
        void presence.enterCall(outcome.row);
        return;
      case 'ended':
        announce.ended(outcome.row, outcome.bySocketId, outcome.note);
        onEnded?.(outcome.row.reason ?? 'unknown');
        wakeTimers();
        if (outcome.wasAccepted) void presence.leaveCall(outcome.row);
        return;
    }
  };
}
