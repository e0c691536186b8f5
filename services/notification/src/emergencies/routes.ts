import { AlertIdPayload, AlertListQuery, EmergencyResolvePayload, EmergencySosPayload } from '@switchboard/protocol';
import {
  AppError,
  parseOrThrow,
  principalOf,
  requestContext,
  requireUser,
  type TokenVerifier,
} from '@switchboard/runtime';
import { Router } from 'express';
import { auditOf, findAlert, toAlert, visibleAlerts } from './alert-store.ts';
import { maySee } from './audience.ts';
import type { EmergencyDeps } from './deps.ts';
import { triggerSos } from './sos.ts';
import { ACCESS_DENIED, acknowledgeAlert, NOT_FOUND, resolveAlert } from './transitions.ts';

/**
 * `/alerts` (mounted at `/api`, Bearer JWT): SOS from a phone in the background, the caller's
 * visible alerts, one alert with its audit, acknowledge and resolve — the same code as the
 * socket requests, so both paths answer and fan out alike.
 */
export function alertRoutes(deps: EmergencyDeps, verifier: TokenVerifier): Router {
  const router = Router();
  const auth = requireUser(verifier);

  router.post('/alerts', auth, async (req, res) => {
    const body = parseOrThrow(EmergencySosPayload, req.body);
    const principal = principalOf(req);
    const result = await triggerSos(deps, requestContext(principal), body);
    res.status(201).json({ success: true, ...result });
  });

  router.get('/alerts', auth, async (req, res) => {
    const { state } = parseOrThrow(AlertListQuery, { ...req.query });
    const rows = await visibleAlerts(deps.db, principalOf(req), state);
    res.json({ success: true, alerts: rows.map(toAlert) });
  });

  router.get('/alerts/:alertId', auth, async (req, res) => {
    const { alertId } = parseOrThrow(AlertIdPayload, { alertId: req.params.alertId });
    const row = await findAlert(deps.db, alertId);
    if (!row) throw new AppError('NOT_FOUND', NOT_FOUND);
    if (!maySee(row, principalOf(req))) throw new AppError('FORBIDDEN', ACCESS_DENIED);
    res.json({ success: true, alert: toAlert(row), audit: await auditOf(deps.db, alertId) });
  });

  router.post('/alerts/:alertId/acknowledge', auth, async (req, res) => {
    const { alertId } = parseOrThrow(AlertIdPayload, { alertId: req.params.alertId });
    res.json({ success: true, ...(await acknowledgeAlert(deps, principalOf(req), alertId)) });
  });

  router.post('/alerts/:alertId/resolve', auth, async (req, res) => {
    const body = parseOrThrow(EmergencyResolvePayload, { ...(req.body ?? {}), alertId: req.params.alertId });
    res.json({ success: true, ...(await resolveAlert(deps, principalOf(req), body)) });
  });

  return router;
}
