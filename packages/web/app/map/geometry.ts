import type { Geofence } from './location-controller.ts';

export interface Point {
  latitude: number;
  longitude: number;
}

const EARTH_RADIUS_M = 6_371_000;
const rad = (deg: number) => (deg * Math.PI) / 180;

export function distanceMeters(a: Point, b: Point): number {
  const dLat = rad(b.latitude - a.latitude);
  const dLng = rad(b.longitude - a.longitude);
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(rad(a.latitude)) * Math.cos(rad(b.latitude)) * Math.sin(dLng / 2) ** 2;
  return 2 * EARTH_RADIUS_M * Math.asin(Math.sqrt(h));
}

function insidePolygon(p: Point, points: Point[]): boolean {
  let inside = false;
  for (let i = 0, j = points.length - 1; i < points.length; j = i++) {
    const a = points[i]!;
    const b = points[j]!;
    if (
      a.latitude > p.latitude !== b.latitude > p.latitude &&
      p.longitude < ((b.longitude - a.longitude) * (p.latitude - a.latitude)) / (b.latitude - a.latitude) + a.longitude
    )
      inside = !inside;
  }
  return inside;
}

export function isInside(fence: Geofence, p: Point): boolean {
  return fence.shape.type === 'circle'
    ? distanceMeters(fence.shape.center, p) <= fence.shape.radiusMeters
    : insidePolygon(p, fence.shape.points);
}

/** Where the user is now breaks the fence's rule: inside a danger zone, or outside a safe zone. */
export function isViolating(fence: Geofence, p: Point): boolean {
  return fence.kind === 'danger' ? isInside(fence, p) : !isInside(fence, p);
}

/** The points a fence spans, for fitting the map around it. */
export function fenceExtent(fence: Geofence): Point[] {
  if (fence.shape.type === 'polygon') return fence.shape.points;
  const { center, radiusMeters } = fence.shape;
  const dLat = (radiusMeters / EARTH_RADIUS_M) * (180 / Math.PI);
  const dLng = dLat / Math.max(Math.cos(rad(center.latitude)), 0.01);
  return [
    { latitude: center.latitude - dLat, longitude: center.longitude - dLng },
    { latitude: center.latitude + dLat, longitude: center.longitude + dLng },
  ];
}
