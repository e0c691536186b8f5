import { type RequestContext, socketRooms } from '@switchboard/protocol';
import { hasOpenAlertsFor, openAlertsFor, toAlert } from './alert-store.ts';
import type { EmergencyDeps } from './deps.ts';

/**
 * A socket connected (the notification service's `session:open`): every unresolved alert its
 * user is audience of — a contact by phone or id, a member of an activated room, a role the alert
 * escalated to — is sent to that socket as `emergency:alert`, and the socket joins the alert's
 * room for the later events and the live location. The user's own alerts are not re-announced.
 */
export async function alertsOnSessionOpen(deps: EmergencyDeps, ctx: RequestContext): Promise<number> {
  if (!ctx.socketId) return 0;
  if (!(await hasOpenAlertsFor(deps.db, ctx))) return 0;
  const open = await openAlertsFor(deps.db, ctx);
  for (const row of open) {
    deps.broadcaster.in(ctx.socketId).socketsJoin(socketRooms.alert(row.userId));
    deps.broadcaster.to(ctx.socketId).emit('emergency:alert', toAlert(row));
  }
  return open.length;
}
