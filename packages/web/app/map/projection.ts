import type { Point } from './geometry.ts';

export interface Projection {
  width: number;
  height: number;
  toXY(p: Point): { x: number; y: number };
  toPoint(x: number, y: number): Point;
  /** Screen units per metre (for circle radii and the scale bar). */
  pxPerMeter: number;
}

const METERS_PER_DEGREE = 111_320;

/**
 * An equirectangular view fitted around the points with a margin: at city scale it is accurate to
 * well under a percent, needs no tiles, and keeps north up. Longitude is scaled by cos(latitude).
 */
export function fitProjection(points: Point[], width = 800, height = 500, minSpanMeters = 600): Projection {
  const lats = points.map((p) => p.latitude);
  const lngs = points.map((p) => p.longitude);
  const midLat = points.length ? (Math.min(...lats) + Math.max(...lats)) / 2 : 0;
  const midLng = points.length ? (Math.min(...lngs) + Math.max(...lngs)) / 2 : 0;
  const cos = Math.max(Math.cos((midLat * Math.PI) / 180), 0.01);
  const spanX = points.length ? (Math.max(...lngs) - Math.min(...lngs)) * METERS_PER_DEGREE * cos : 0;
  const spanY = points.length ? (Math.max(...lats) - Math.min(...lats)) * METERS_PER_DEGREE : 0;
  // 15 % margin on each side, and never closer than minSpanMeters across.
  const pxPerMeter = Math.min(
    width / Math.max(spanX * 1.3, minSpanMeters),
    height / Math.max(spanY * 1.3, minSpanMeters),
  );
  return {
    width,
    height,
    pxPerMeter,
    toXY: (p) => ({
      x: width / 2 + (p.longitude - midLng) * METERS_PER_DEGREE * cos * pxPerMeter,
      y: height / 2 - (p.latitude - midLat) * METERS_PER_DEGREE * pxPerMeter,
    }),
    toPoint: (x, y) => ({
      latitude: midLat - (y - height / 2) / (METERS_PER_DEGREE * pxPerMeter),
      longitude: midLng + (x - width / 2) / (METERS_PER_DEGREE * cos * pxPerMeter),
    }),
  };
}

/** A round scale-bar length (1, 2 or 5 × 10^n metres) about a fifth of the map wide. */
export function scaleBarMeters(projection: Projection): number {
  const target = projection.width / 5 / projection.pxPerMeter;
  const power = 10 ** Math.floor(Math.log10(target));
  return [5, 2, 1].map((f) => f * power).find((m) => m <= target) ?? power;
}
