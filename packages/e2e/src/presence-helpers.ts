// Helpers for the presence end-to-end tests: which source address lands on which gateway,
// recording server events, REST calls through nginx and points at a distance from a centre.
import type { ServerEventName, ServerEventPayload } from '@switchboard/protocol';
import { connectClient, type E2eClient } from './client.ts';

/** One address per /24: nginx's ip_hash hashes the first three octets (ENVIRONMENT.md). */
export const PROBE_ADDRESSES = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10].map((n) => `127.0.${n}.1`);

/**
 * ip_hash is deterministic for a fixed set of live gateways, so one probe connection per address
 * tells where every later client from that address goes. Returns gateway id → its addresses.
 */
export async function mapAddressesToGateways(
  url: string,
  token: string,
  addresses = PROBE_ADDRESSES,
): Promise<Map<string, string[]>> {
  const byGateway = new Map<string, string[]>();
  for (const localAddress of addresses) {
    const probe = await connectClient(url, token, { localAddress, reconnection: false });
    const { serverId } = probe.connected();
    probe.close();
    byGateway.set(serverId, [...(byGateway.get(serverId) ?? []), localAddress]);
  }
  return byGateway;
}

/** Every `event` a client receives from now on, in arrival order. */
export function record<E extends ServerEventName>(client: E2eClient, event: E): ServerEventPayload<E>[] {
  const seen: ServerEventPayload<E>[] = [];
  (client.socket.on as (e: string, h: (data: ServerEventPayload<E>) => void) => void)(event, (data) => seen.push(data));
  return seen;
}

export interface JsonResponse {
  status: number;
  body: Record<string, unknown>;
}

/** A JSON request through nginx, with a Bearer token when given. */
export async function requestJson(
  url: string,
  method: 'GET' | 'POST' | 'DELETE',
  token: string | undefined,
  body?: unknown,
): Promise<JsonResponse> {
  const response = await fetch(url, {
    method,
    headers: {
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await response.text();
  let parsed: Record<string, unknown>;
  try {
    parsed = JSON.parse(text) as Record<string, unknown>;
  } catch {
    parsed = { raw: text };
  }
  return { status: response.status, body: parsed };
}

export interface LatLng {
  latitude: number;
  longitude: number;
}

/** Metres per degree of latitude on the sphere the geofence code uses (R = 6 371 km). */
const METERS_PER_DEGREE = (6_371_000 * Math.PI) / 180;

/** The point `meters` due north of `center` (its distance to the centre is exactly that). */
export function northOf(center: LatLng, meters: number): LatLng {
  return { latitude: center.latitude + meters / METERS_PER_DEGREE, longitude: center.longitude };
}

/** A location body as the protocol wants it, stamped now. */
export function fix(point: LatLng, extra: { accuracy?: number; battery?: number } = {}) {
  return { ...point, timestamp: new Date().toISOString(), ...extra };
}
