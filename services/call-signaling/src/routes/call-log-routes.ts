import type { Db } from '@switchboard/db';
import { CallLogQuery, type CallLogResult } from '@switchboard/protocol';
import { parseOrThrow, principalOf, requireUser, type TokenVerifier } from '@switchboard/runtime';
import { Router } from 'express';
import { callLogPage } from '../store/call-log.ts';
import { toCall } from '../store/view.ts';

/** `GET /calls?limit=&before=` (mounted at `/api`, Bearer JWT): the user's own calls, newest first. */
export function callLogRoutes(db: Db, verifier: TokenVerifier): Router {
  const router = Router();
  router.get('/calls', requireUser(verifier), async (req, res) => {
    const query = parseOrThrow(CallLogQuery, req.query);
    const { rows, hasMore } = await callLogPage(db, principalOf(req).userId, query);
    const body: CallLogResult & { success: true } = { success: true, calls: rows.map(toCall), hasMore };
    res.json(body);
  });
  return router;
}
