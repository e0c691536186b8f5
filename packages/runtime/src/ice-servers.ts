import type { IceServer, IceServersResult } from '@switchboard/protocol';
import { Router } from 'express';
import type { TokenVerifier } from './auth.ts';
import { requireUser } from './http.ts';

/**
 * `GET /ice-servers` (mounted at `/api`): the operator's `WEB_ICE_SERVERS` for the web app's
 * RTCPeerConnections. An endpoint rather than a file next to the web app, so the three ways the
 * app is served (embedded, the cluster's nginx, compose) need no config written at deploy time:
 * nginx sends it to the gateways, which hold the parsed config. Bearer only, since TURN
 * credentials are in it.
 */
export function iceServersRouter({
  iceServers,
  verifier,
}: {
  iceServers: IceServer[];
  verifier: TokenVerifier;
}): Router {
  const body: IceServersResult = { success: true, iceServers };
  return Router().get('/ice-servers', requireUser(verifier), (_req, res) => {
    res.set('Cache-Control', 'private, no-store').json(body);
  });
}
