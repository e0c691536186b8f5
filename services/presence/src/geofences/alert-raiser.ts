import type { Bus } from '@switchboard/bus';
import { errorMessage, type Logger, systemContext } from '@switchboard/runtime';
import type { AlertRaiser } from './evaluator.ts';

/**
 * Fences marked `raisesAlert`: a violation goes to the notification service as
 * `emergency:geofence` (fire and forget, at least once through the bus), which raises the user's
 * SOS (type SECURITY) through the same path as a press, so one alert per user still holds.
 */
export function createAlertRaiser(bus: Bus, log: Logger): AlertRaiser {
  return (event, userName) => {
    const payload = {
      userId: event.userId,
      userName,
      geofenceId: event.geofenceId,
      name: event.name,
      transition: event.transition,
      latitude: event.latitude,
      longitude: event.longitude,
    };
    bus.send('notification', 'emergency:geofence', payload, systemContext('presence')).catch((error: unknown) => {
      log.error({ err: errorMessage(error), geofenceId: event.geofenceId }, 'geofence alert not sent');
    });
  };
}
