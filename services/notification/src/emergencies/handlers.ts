import type { ServiceHandlers } from '@switchboard/bus';
import type { EmergencyDeps } from './deps.ts';
import { triggerSos } from './sos.ts';
import { acknowledgeAlert, resolveAlert } from './transitions.ts';

export type EmergencyHandlers = Pick<
  ServiceHandlers<'notification'>,
  'emergency:sos' | 'emergency:acknowledge' | 'emergency:resolve'
>;

/** The client requests, forwarded by the gateway (payloads validated by the bus on arrival). */
export function emergencyHandlers(deps: EmergencyDeps): EmergencyHandlers {
  return {
    'emergency:sos': (payload, ctx) => triggerSos(deps, ctx, payload),
    'emergency:acknowledge': ({ alertId }, ctx) => acknowledgeAlert(deps, ctx, alertId),
    'emergency:resolve': (payload, ctx) => resolveAlert(deps, ctx, payload),
  };
}
