import { RestMessagePayload } from '@switchboard/protocol';
import { parseOrThrow, principalOf, requireUser, type TokenVerifier } from '@switchboard/runtime';
import { Router } from 'express';
import type { MessagingDeps } from '../handlers/deps.ts';
import { sendMessage } from '../handlers/messages.ts';
import { upsertUser } from '../store/users.ts';

/**
 * `POST /messages` (mounted at `/api`): backends post as a user with a Bearer JWT. Same path as
 * `message:send` — group commit, then push — so REST messages are indistinguishable.
 */
export function messageRoutes(deps: MessagingDeps, verifier: TokenVerifier): Router {
  const router = Router();
  router.post('/messages', requireUser(verifier), async (req, res) => {
    const body = parseOrThrow(RestMessagePayload, req.body);
    const principal = principalOf(req);
    await upsertUser(deps.db, principal);
    const { message } = await sendMessage(deps, body, principal);
    res.status(201).json({ success: true, message });
  });
  return router;
}
