import { LocationUpdatePayload } from '@switchboard/protocol';
import type { CommandHandler } from '@switchboard/bus';
import type { LocationService } from '../location/location-service.ts';
import { parseOrThrow } from '@switchboard/runtime';

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
