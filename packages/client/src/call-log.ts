import type { CallLogResult } from '@switchboard/protocol';
import { getJson, type RestTarget } from './rest.ts';

export interface CallLogPage {
  /** 1–100 (the server's default is 20). */
  limit?: number;
  /** The `callId` of the last call of the previous page. */
  before?: string;
}

/**
 * `GET /api/calls`: the user's calls as caller or callee, newest first, missed ones included.
 * Page back with `before: calls.at(-1).callId` while `hasMore`.
 */
export function fetchCallLog(target: RestTarget, page: CallLogPage = {}): Promise<CallLogResult> {
  return getJson<CallLogResult>(target, '/api/calls', { limit: page.limit, before: page.before });
}
