import crypto from 'node:crypto';
import type { Db, GeofenceModel } from '@switchboard/db';
import { GeofenceCreatePayload, Id, type Principal } from '@switchboard/protocol';
import { AppError, parseOrThrow, principalOf, requireUser, type TokenVerifier } from '@switchboard/runtime';
import { Router } from 'express';
import { z } from 'zod';
import type { RoomsOfUser } from '../fanout/rooms-of-user.ts';
import { GEOFENCE_DENIED, GEOFENCE_NOT_FOUND, GEOFENCE_TARGET_DENIED } from '../refusals.ts';
import { isOverseer, roomsOrUnavailable } from './access.ts';

const ListQuery = z.object({ userId: Id.optional(), roomId: Id.optional() });

export interface GeofenceRouteDeps {
  verifier: TokenVerifier;
  roomsOf: RoomsOfUser;
  db: Db;
}

function view(g: GeofenceModel) {
  return {
    id: g.id,
    name: g.name,
    kind: g.kind,
    shape: g.shape,
    createdBy: g.createdBy,
    createdAt: g.createdAt.toISOString(),
    ...(g.userId ? { userId: g.userId } : {}),
    ...(g.roomId ? { roomId: g.roomId } : {}),
  };
}

/**
 * Geofences (`/geofences`, mounted at `/api`). Admins and supervisors manage any fence; other
 * users manage fences on themselves and on rooms they are a member of.
 */
export function geofenceRoutes({ verifier, roomsOf, db }: GeofenceRouteDeps): Router {
  const router = Router();
  const mayManage = async (principal: Principal, target: { userId?: string | null; roomId?: string | null }) => {
    if (isOverseer(principal) || target.userId === principal.userId) return true;
    if (!target.roomId) return false;
    return (await roomsOrUnavailable(roomsOf, principal.userId, principal)).includes(target.roomId);
  };

  router.post('/geofences', requireUser(verifier), async (req, res) => {
    const principal = principalOf(req);
    const body = parseOrThrow(GeofenceCreatePayload, req.body);
    if (!(await mayManage(principal, body))) throw new AppError('FORBIDDEN', GEOFENCE_TARGET_DENIED);
    const fence = await db.geofence.create({
      data: {
        id: crypto.randomUUID(),
        name: body.name,
        kind: body.kind,
        shape: body.shape,
        createdBy: principal.userId,
        userId: body.userId ?? null,
        roomId: body.roomId ?? null,
      },
    });
    res.status(201).json({ success: true, geofence: view(fence) });
  });

  router.get('/geofences', requireUser(verifier), async (req, res) => {
    const principal = principalOf(req);
    const query = parseOrThrow(ListQuery, { ...req.query });
    const filter = {
      ...(query.userId ? { userId: query.userId } : {}),
      ...(query.roomId ? { roomId: query.roomId } : {}),
    };
    let visible = {};
    if (!isOverseer(principal)) {
      const rooms = await roomsOrUnavailable(roomsOf, principal.userId, principal);
      visible = { OR: [{ userId: principal.userId }, { roomId: { in: rooms } }] };
    }
    const fences = await db.geofence.findMany({
      where: { AND: [filter, visible] },
      orderBy: { createdAt: 'asc' },
      take: 1000,
    });
    res.json({ success: true, geofences: fences.map(view) });
  });

  router.delete('/geofences/:id', requireUser(verifier), async (req, res) => {
    const principal = principalOf(req);
    const id = parseOrThrow(z.object({ id: Id }), { ...req.params }).id;
    const fence = await db.geofence.findUnique({ where: { id } });
    if (!fence) throw new AppError('NOT_FOUND', GEOFENCE_NOT_FOUND);
    if (fence.createdBy !== principal.userId && !(await mayManage(principal, fence))) {
      throw new AppError('FORBIDDEN', GEOFENCE_DENIED);
    }
    await db.geofence.delete({ where: { id } });
    res.json({ success: true });
  });

  return router;
}
