import type { CommandHandler } from '@switchboard/bus';
import { LocationUpdatePayload } from '@switchboard/protocol';
import { parseOrThrow } from '@switchboard/runtime';
import type { LocationService } from '../location/location-service.ts';

/** `location:update` from a socket: same path as `POST /api/location`. */
export function locationHandlers(update: LocationService): Record<'location:update', CommandHandler> {
  return {
    'location:update': async (payload, ctx) => {
      const body = parseOrThrow(LocationUpdatePayload, payload);
      const { userId, name, role, phone } = ctx;
      return update({ userId, name, role, ...(phone ? { phone } : {}) }, body, ctx);
    },
  };
}
