import type { ServiceHandlers } from '@switchboard/bus';
import type { EmergencyDeps } from './deps.ts';
import { triggerSos } from './sos.ts';
import { acknowledgeAlert, resolveAlert } from './transitions.ts';

export type EmergencyHandlers = Pick<
  ServiceHandlers<'notification'>,
  'emergency:sos' | 'emergency:acknowledge' | 'emergency:resolve' | 'emergency:geofence'
>;

/** The client requests, forwarded by the gateway, and presence's geofence alerts (payloads validated by the bus on arrival). */
export function emergencyHandlers(deps: EmergencyDeps): EmergencyHandlers {
  return {
    'emergency:sos': (payload, ctx) => triggerSos(deps, ctx, payload),
    'emergency:acknowledge': ({ alertId }, ctx) => acknowledgeAlert(deps, ctx, alertId),
    'emergency:resolve': (payload, ctx) => resolveAlert(deps, ctx, payload),
    // Presence, for a fence marked `raisesAlert`: the SOS is raised as the user it concerns.
    'emergency:geofence': (fence, ctx) =>
      triggerSos(
        deps,
        { userId: fence.userId, name: fence.userName, role: 'user', requestId: ctx.requestId },
        {
          type: 'SECURITY',
          message: `Geofence "${fence.name}" ${fence.transition}`,
          location: { latitude: fence.latitude, longitude: fence.longitude },
        },
      ),
  };
}
