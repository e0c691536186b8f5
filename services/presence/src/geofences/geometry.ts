import { GeofenceCreatePayload } from '@switchboard/protocol';
import type { z } from 'zod';

/** The shape schema of the protocol, reused to read shapes back from the database. */
export const GeofenceShape = GeofenceCreatePayload.shape.shape;
export type GeofenceShape = z.infer<typeof GeofenceShape>;

export interface Point {
  latitude: number;
  longitude: number;
}

const EARTH_RADIUS_M = 6_371_000;
const rad = (deg: number) => (deg * Math.PI) / 180;

export function haversineMeters(a: Point, b: Point): number {
  const dLat = rad(b.latitude - a.latitude);
  const dLng = rad(b.longitude - a.longitude);
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(rad(a.latitude)) * Math.cos(rad(b.latitude)) * Math.sin(dLng / 2) ** 2;
  return 2 * EARTH_RADIUS_M * Math.asin(Math.min(1, Math.sqrt(h)));
}

/**
 * Metres from the boundary: negative inside, positive outside. Polygons are measured on a
 * local flat projection around the point, accurate for fences up to tens of kilometres.
 */
export function signedDistanceMeters(shape: GeofenceShape, p: Point): number {
  if (shape.type === 'circle') return haversineMeters(shape.center, p) - shape.radiusMeters;
  const k = rad(1) * EARTH_RADIUS_M;
  const cosLat = Math.cos(rad(p.latitude));
  const xy = shape.points.map((q) => ({
    x: (q.longitude - p.longitude) * k * cosLat,
    y: (q.latitude - p.latitude) * k,
  }));
  let inside = false;
  let nearest = Infinity;
  for (let i = 0, j = xy.length - 1; i < xy.length; j = i++) {
    const a = xy[i]!;
    const b = xy[j]!;
    // Ray from the origin (the point) along +x.
    if (a.y > 0 !== b.y > 0 && 0 < ((b.x - a.x) * (0 - a.y)) / (b.y - a.y) + a.x) inside = !inside;
    nearest = Math.min(nearest, distanceToSegment(a, b));
  }
  return inside ? -nearest : nearest;
}

function distanceToSegment(a: { x: number; y: number }, b: { x: number; y: number }): number {
  const dx = b.x - a.x;
  const dy = b.y - a.y;
  const length2 = dx * dx + dy * dy;
  const t = length2 === 0 ? 0 : Math.max(0, Math.min(1, -(a.x * dx + a.y * dy) / length2));
  return Math.hypot(a.x + t * dx, a.y + t * dy);
}

/** Hysteresis margin: a crossing counts only once the point is this far past the boundary. */
export const GEOFENCE_HYSTERESIS_METERS = 20;

/** Inside/outside after a new fix, given the previous state: jitter within the margin changes nothing. */
export function nextInside(wasInside: boolean, signedDistance: number, margin = GEOFENCE_HYSTERESIS_METERS): boolean {
  return wasInside ? signedDistance <= margin : signedDistance < -margin;
}
