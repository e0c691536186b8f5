import type { Db } from '@switchboard/db';
import { Id, IsoDate, LocationUpdatePayload } from '@switchboard/protocol';
import { parseOrThrow, principalOf, requestContext, requireUser, type TokenVerifier } from '@switchboard/runtime';
import { Router } from 'express';
import { z } from 'zod';
import type { RoomsOfUser } from '../fanout/rooms-of-user.ts';
import type { HistoryWriter } from '../location/history-writer.ts';
import type { LocationService } from '../location/location-service.ts';
import { assertMaySeeUser } from './access.ts';

const HistoryQuery = z.object({
  userId: Id.optional(),
  since: IsoDate.optional(),
  limit: z.coerce.number().int().min(1).max(5000).default(1000),
});

export interface LocationRouteDeps {
  verifier: TokenVerifier;
  update: LocationService;
  history: HistoryWriter;
  roomsOf: RoomsOfUser;
  db: Db;
}

/** `POST /location` (upload) and `GET /location/history`, mounted at `/api`. */
export function locationRoutes({ verifier, update, history, roomsOf, db }: LocationRouteDeps): Router {
  const router = Router();

  router.post('/location', requireUser(verifier), async (req, res) => {
    const principal = principalOf(req);
    const body = parseOrThrow(LocationUpdatePayload, req.body);
    const { rooms } = await update(principal, body, requestContext(principal));
    res.json({ success: true, timestamp: body.timestamp, rooms });
  });

  router.get('/location/history', requireUser(verifier), async (req, res) => {
    const principal = principalOf(req);
    const query = parseOrThrow(HistoryQuery, { ...req.query });
    const userId = query.userId ?? principal.userId;
    await assertMaySeeUser(principal, userId, roomsOf);
    // Samples this process still buffers are part of the answer.
    await history.flush();
    // The newest `limit` samples since `since`, answered oldest first; `hasMore` says older ones were left out.
    const newest = await db.locationSample.findMany({
      where: { userId, ...(query.since ? { recordedAt: { gte: new Date(query.since) } } : {}) },
      orderBy: { recordedAt: 'desc' },
      take: query.limit + 1,
    });
    const hasMore = newest.length > query.limit;
    const rows = newest.slice(0, query.limit).reverse();
    res.json({
      success: true,
      userId,
      hasMore,
      locations: rows.map((r) => ({
        latitude: r.latitude,
        longitude: r.longitude,
        accuracy: r.accuracy,
        ...(r.battery !== null ? { battery: r.battery } : {}),
        timestamp: r.recordedAt.toISOString(),
      })),
    });
  });

  return router;
}
