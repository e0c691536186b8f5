import type { IceServer, IceServersResult } from '@switchboard/protocol';
import { getJson, type RestTarget } from './rest.ts';

/**
 * `GET /api/ice-servers`: the STUN/TURN servers the operator configured (`WEB_ICE_SERVERS`), to
 * pass to `new RTCPeerConnection({ iceServers })`. Empty when none is configured.
 */
export async function fetchIceServers(target: RestTarget): Promise<IceServer[]> {
  return (await getJson<IceServersResult>(target, '/api/ice-servers')).iceServers;
}
