import { z } from 'zod';

/**
 * `GET /api/ice-servers` (Bearer): the STUN/TURN servers the operator configured
 * (`WEB_ICE_SERVERS`) for the clients' RTCPeerConnections. Empty when none is configured: host
 * candidates only, enough for parties on one network.
 */
export const ICE_SERVERS_PATH = '/api/ice-servers';

const ICE_URL = /^(stun|stuns|turn|turns):\S+$/;
const IceUrl = z.string().regex(ICE_URL, 'must be a stun:, stuns:, turn: or turns: URL');

/** One RTCIceServer, as the browser's `RTCPeerConnection({ iceServers })` takes it. */
export const IceServer = z
  .object({
    urls: z.union([IceUrl, z.array(IceUrl).min(1, 'must list at least one URL')]),
    username: z.string().min(1).max(512).optional(),
    credential: z.string().min(1).max(512).optional(),
  })
  .strict()
  // A browser throws InvalidAccessError for a TURN server without both: refuse it at start-up instead.
  .refine(
    (server) =>
      ![server.urls].flat().some((url) => url.startsWith('turn')) ||
      (server.username !== undefined && server.credential !== undefined),
    { message: 'a turn: or turns: server needs username and credential' },
  );
export type IceServer = z.infer<typeof IceServer>;

export const IceServerList = z.array(IceServer).max(16, 'at most 16 ICE servers');

/** `GET /api/ice-servers` → 200. */
export interface IceServersResult {
  success: true;
  iceServers: IceServer[];
}
