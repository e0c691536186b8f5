import {
  type AlertModel as AlertRow,
  type AlertAuditModel as AuditRow,
  type Db,
  type Prisma,
  sql,
} from '@switchboard/db';
import type {
  Alert,
  AlertAuditEntry,
  AlertLocation,
  AlertState,
  AuditAction,
  EmergencyType,
  Principal,
} from '@switchboard/protocol';

export type DbClient = Db | Prisma.TransactionClient;
export type { AlertRow };

/** The row as clients see it: optional fields absent rather than null. */
export function toAlert(row: AlertRow): Alert {
  return {
    alertId: row.id,
    userId: row.userId,
    userName: row.userName,
    type: row.type as EmergencyType,
    ...(row.message !== null ? { message: row.message } : {}),
    ...(row.location !== null ? { location: row.location as unknown as AlertLocation } : {}),
    state: row.state as AlertState,
    level: row.level,
    activatedRooms: row.activatedRooms,
    createdAt: row.createdAt.toISOString(),
    ...(row.acknowledgedBy !== null ? { acknowledgedBy: row.acknowledgedBy } : {}),
    ...(row.acknowledgedAt !== null ? { acknowledgedAt: row.acknowledgedAt.toISOString() } : {}),
    ...(row.resolvedBy !== null ? { resolvedBy: row.resolvedBy } : {}),
    ...(row.resolvedAt !== null ? { resolvedAt: row.resolvedAt.toISOString() } : {}),
    ...(row.resolution !== null ? { resolution: row.resolution } : {}),
  };
}

export function toAuditEntry(row: AuditRow): AlertAuditEntry {
  return {
    at: row.at.toISOString(),
    action: row.action as AuditAction,
    ...(row.actorId !== null ? { actorId: row.actorId } : {}),
    ...(row.level !== null ? { level: row.level } : {}),
    ...(row.detail !== null ? { detail: row.detail as Record<string, unknown> } : {}),
  };
}

export interface AuditStep {
  action: AuditAction;
  actorId?: string;
  level?: number;
  detail?: Prisma.InputJsonObject;
  at?: Date;
}

/** Append steps to the audit trail (never updated, never deleted while the alert exists). */
export async function appendAudit(db: DbClient, alertId: string, steps: AuditStep[]): Promise<void> {
  if (steps.length === 0) return;
  await db.alertAudit.createMany({
    data: steps.map((s) => ({
      alertId,
      action: s.action,
      actorId: s.actorId ?? null,
      level: s.level ?? null,
      ...(s.detail ? { detail: s.detail } : {}),
      ...(s.at ? { at: s.at } : {}),
    })),
  });
}

export async function auditOf(db: DbClient, alertId: string): Promise<AlertAuditEntry[]> {
  const rows = await db.alertAudit.findMany({ where: { alertId }, orderBy: { id: 'asc' } });
  return rows.map(toAuditEntry);
}

export function findAlert(db: DbClient, alertId: string): Promise<AlertRow | null> {
  return db.alert.findUnique({ where: { id: alertId } });
}

/** Lock the alert's row for the rest of the transaction: transitions of one alert run one at a time. */
export async function lockAlert(tx: Prisma.TransactionClient, alertId: string): Promise<AlertRow | null> {
  const locked = await tx.$queryRaw<{ id: string }[]>`SELECT "id" FROM "Alert" WHERE "id" = ${alertId} FOR UPDATE`;
  return locked.length ? tx.alert.findUnique({ where: { id: alertId } }) : null;
}

export function findOpenAlertOf(db: DbClient, userId: string): Promise<AlertRow | null> {
  return db.alert.findUnique({ where: { openKey: userId } });
}

/**
 * Alerts `principal` is audience of (the SQL twin of `maySee` in audience.ts), newest first.
 * Admins see every alert.
 */
export function visibleAlerts(db: DbClient, principal: Principal, state?: AlertState, limit = 100) {
  const audience: Prisma.AlertWhereInput[] = [
    { userId: principal.userId },
    { audienceUserIds: { has: principal.userId } },
    { reachedRoles: { has: principal.role } },
    { acknowledgedBy: principal.userId },
    ...(principal.phone ? [{ contactPhones: { has: principal.phone } }] : []),
  ];
  const where: Prisma.AlertWhereInput = {
    ...(state ? { state } : {}),
    ...(principal.role === 'admin' ? {} : { OR: audience }),
  };
  return db.alert.findMany({ where, orderBy: { createdAt: 'desc' }, take: limit });
}

/** Unresolved alerts a connecting socket's user must hear about (contacts and alerted audiences). */
/**
 * Whether any unresolved alert has this user in its audience (the same audience as
 * `openAlertsFor`). Every connect asks, and almost never finds one: an EXISTS on the pool
 * (packages/db/src/sql.ts) costs a fraction of the CPU of the Prisma query, which then runs only
 * when there is something to load.
 */
export async function hasOpenAlertsFor(db: Db, principal: Principal): Promise<boolean> {
  const rows = await sql<{ open: boolean }>(
    db,
    `SELECT EXISTS (
       SELECT 1 FROM "Alert"
       WHERE "openKey" IS NOT NULL AND "userId" <> $1
         AND ($1 = ANY("audienceUserIds") OR $2 = ANY("reachedRoles")
           OR ($3::text IS NOT NULL AND $3::text = ANY("contactPhones")))
     ) AS open`,
    [principal.userId, principal.role, principal.phone ?? null],
  );
  return rows[0]?.open === true;
}

/**
 * `hasOpenAlertsFor` for a batch of connecting users in one statement: the ids of those some
 * unresolved alert has in its audience (almost always none).
 */
export async function audienceOfOpenAlerts(db: Db, principals: Principal[]): Promise<Set<string>> {
  if (principals.length === 0) return new Set();
  const rows = await sql<{ userId: string }>(
    db,
    `SELECT DISTINCT u.id AS "userId"
     FROM unnest($1::text[], $2::text[], $3::text[]) AS u(id, role, phone)
     WHERE EXISTS (
       SELECT 1 FROM "Alert" a
       WHERE a."openKey" IS NOT NULL AND a."userId" <> u.id
         AND (u.id = ANY(a."audienceUserIds") OR u.role = ANY(a."reachedRoles")
           OR (u.phone IS NOT NULL AND u.phone = ANY(a."contactPhones")))
     )`,
    [principals.map((p) => p.userId), principals.map((p) => p.role), principals.map((p) => p.phone ?? null)],
  );
  return new Set(rows.map((r) => r.userId));
}

export function openAlertsFor(db: DbClient, principal: Principal): Promise<AlertRow[]> {
  const audience: Prisma.AlertWhereInput[] = [
    { audienceUserIds: { has: principal.userId } },
    { reachedRoles: { has: principal.role } },
    ...(principal.phone ? [{ contactPhones: { has: principal.phone } }] : []),
  ];
  return db.alert.findMany({
    where: { openKey: { not: null }, userId: { not: principal.userId }, OR: audience },
    orderBy: { createdAt: 'asc' },
    take: 50,
  });
}
