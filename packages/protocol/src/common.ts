import { z } from 'zod';

/** Ids are opaque strings; the bound keeps hostile payloads small. */
export const Id = z.string().min(1, 'is required').max(128, 'is too long');
export const UserIds = z.array(Id).min(1, 'needs at least one user id').max(500, 'has too many user ids');
export const Seq = z.number().int().min(0);
/** WGS-84 coordinates, as every location, geofence and SOS payload takes them. */
export const Latitude = z.number().min(-90).max(90);
export const Longitude = z.number().min(-180).max(180);
export const LatLng = z.object({ latitude: Latitude, longitude: Longitude });
export const IsoDate = z.string().datetime({ offset: true });

export const MAX_CONTENT_LENGTH = 10_000;
