import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { type GeofenceShape, haversineMeters, nextInside, signedDistanceMeters } from './geometry.ts';

// ~111 m per 0.001° of latitude.
const circle: GeofenceShape = { type: 'circle', center: { latitude: 48.0, longitude: 11.0 }, radiusMeters: 100 };
const square: GeofenceShape = {
  type: 'polygon',
  points: [
    { latitude: 48.0, longitude: 11.0 },
    { latitude: 48.0, longitude: 11.01 },
    { latitude: 48.01, longitude: 11.01 },
    { latitude: 48.01, longitude: 11.0 },
  ],
};

describe('geofence geometry', () => {
  test('haversine matches a known distance', () => {
    const d = haversineMeters({ latitude: 48.0, longitude: 11.0 }, { latitude: 48.001, longitude: 11.0 });
    assert.ok(Math.abs(d - 111.2) < 0.5, String(d));
  });

  test('a circle is negative inside and positive outside', () => {
    assert.ok(signedDistanceMeters(circle, { latitude: 48.0, longitude: 11.0 }) < -99);
    assert.ok(signedDistanceMeters(circle, { latitude: 48.002, longitude: 11.0 }) > 100);
  });

  test('a polygon is negative inside with the distance to the nearest edge', () => {
    const inside = signedDistanceMeters(square, { latitude: 48.001, longitude: 11.005 });
    assert.ok(inside < -100 && inside > -120, String(inside));
    const outside = signedDistanceMeters(square, { latitude: 47.999, longitude: 11.005 });
    assert.ok(outside > 100 && outside < 120, String(outside));
  });

  test('hysteresis ignores jitter inside the margin', () => {
    assert.equal(nextInside(false, -5), false, 'just inside: not yet entered');
    assert.equal(nextInside(false, -25), true);
    assert.equal(nextInside(true, 5), true, 'just outside: not yet left');
    assert.equal(nextInside(true, 25), false);
  });
});
