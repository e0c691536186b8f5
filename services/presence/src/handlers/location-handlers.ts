import type { LocationService } from '../location/location-service.ts';
import type { PresenceHandlers } from './handlers.ts';

/** `location:update` from a socket: same path as `POST /api/location`. */
export function locationHandlers(update: LocationService): Pick<PresenceHandlers, 'location:update'> {
  return {
    'location:update': async (body, ctx) => {
      const { userId, name, role, phone } = ctx;
      return update({ userId, name, role, ...(phone ? { phone } : {}) }, body, ctx);
    },
  };
}
