import type { CallStatsResult } from '@switchboard/protocol';
import { countLiveCalls } from '../store/call-store.ts';
import type { CallDeps, CallHandlers } from './deps.ts';

/** `calls:stats` (gateway, for `GET /api/stats`): calls accepted and ringing right now. */
export function statsHandlers(deps: CallDeps): Pick<CallHandlers, 'calls:stats'> {
  return {
    'calls:stats': async (): Promise<CallStatsResult> => {
      const { ringing, accepted } = await countLiveCalls(deps.db);
      return { activeCalls: accepted, ringingCalls: ringing };
    },
  };
}
