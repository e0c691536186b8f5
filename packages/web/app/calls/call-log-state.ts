import type { Call } from '@switchboard/protocol';

export interface CallLogState {
  /** Newest first, as `GET /api/calls` pages them. */
  calls: Call[];
  hasMore: boolean;
  /** `idle` until the log is first opened. */
  status: 'idle' | 'loading' | 'ready';
  loadingMore: boolean;
  error?: string;
}

export const emptyCallLog: CallLogState = { calls: [], hasMore: false, status: 'idle', loadingMore: false };

export type CallOutcome = 'ringing' | 'in_progress' | 'answered' | 'missed' | 'rejected';

/** One row of the log as a person reads it. */
export interface CallLogRow {
  /** The other party. */
  peer: string;
  direction: 'outgoing' | 'incoming';
  outcome: CallOutcome;
  /** "Missed", "Declined", "Answered · 1:05", … */
  outcomeText: string;
}

/**
 * The call from `me`'s side. Missed is both a cancel and a ring timeout (the server's
 * `call:missed`); answered calls carry their length; a lost connection is said.
 */
export function describeCall(call: Call, me: string): CallLogRow {
  const direction = call.from === me ? 'outgoing' : 'incoming';
  const peer = direction === 'outgoing' ? call.to : call.from;
  const row = (outcome: CallOutcome, outcomeText: string): CallLogRow => ({ peer, direction, outcome, outcomeText });
  if (call.state === 'ringing') return row('ringing', 'Ringing');
  if (call.state === 'accepted') return row('in_progress', 'In progress');
  switch (call.reason) {
    case 'rejected':
      return row('rejected', 'Declined');
    case 'cancelled':
      return row('missed', direction === 'incoming' ? 'Missed' : 'Missed (you hung up while it rang)');
    case 'timeout':
      return row('missed', direction === 'incoming' ? 'Missed' : 'Missed (no answer)');
    default: {
      const length = formatDuration(call.durationSec ?? 0);
      return row(
        'answered',
        call.reason === 'connection_lost' ? `Answered · ${length} (connection lost)` : `Answered · ${length}`,
      );
    }
  }
}

/** m:ss, or h:mm:ss past an hour. */
export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  const two = (n: number) => String(n).padStart(2, '0');
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  return h > 0 ? `${h}:${two(m)}:${two(s % 60)}` : `${m}:${two(s % 60)}`;
}

/**
 * A fresh first page merged with what is already shown: the page's calls (new ones, and those
 * whose state changed) first, then every older call already loaded that the page does not hold.
 */
export function mergeFirstPage(shown: Call[], page: Call[]): Call[] {
  const fresh = new Set(page.map((c) => c.callId));
  return [...page, ...shown.filter((c) => !fresh.has(c.callId))];
}
