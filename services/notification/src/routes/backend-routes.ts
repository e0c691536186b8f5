import { NotificationCreatePayload, PublishPayload } from '@switchboard/protocol';
import { parseOrThrow } from '@switchboard/runtime';
import { Router } from 'express';
import type { NotificationDeps } from '../deps.ts';
import { createNotification } from '../inbox/create.ts';
import { publish } from '../publish/publish.ts';
import { requireApiKey } from './api-key.ts';

/**
 * The backends' REST API (mounted at `/api`, `X-Api-Key`): the same code as the bus commands
 * `notification:create` and `notification:publish`, so both paths behave alike.
 */
export function backendRoutes(deps: NotificationDeps, apiKey: string | undefined): Router {
  const router = Router();
  const guard = requireApiKey(apiKey);
  router.post('/notifications', guard, async (req, res) => {
    const body = parseOrThrow(NotificationCreatePayload, req.body);
    const { recipients, notificationIds, duplicate } = await createNotification(deps, body);
    res.status(201).json({ success: true, recipients, notificationIds, duplicate });
  });
  router.post('/publish', guard, (req, res) => {
    const body = parseOrThrow(PublishPayload, req.body);
    res.status(202).json({ success: true, ...publish(deps.broadcaster, body) });
  });
  return router;
}
