import type { Bus } from '@switchboard/bus';
import type { Principal, RequestContext } from '@switchboard/protocol';
import { AppError, errorMessage, type Logger, systemContext } from '@switchboard/runtime';
import { MEMBERSHIPS_UNAVAILABLE } from '../refusals.ts';

/** Tokens with this role see everyone's presence. */
export const ADMIN_ROLE = 'admin';

/**
 * Which of `candidates` share a room with `userId` (messaging owns rooms, so it is asked, one
 * request for up to 500 candidates); `null` when messaging did not answer.
 */
export type SharingRoom = (userId: string, candidates: string[], ctx?: RequestContext) => Promise<Set<string> | null>;

export function createSharingRoom(bus: Bus, log: Logger, timeoutMs = 1000): SharingRoom {
  return async (userId, candidates, ctx) => {
    if (candidates.length === 0) return new Set();
    try {
      const { userIds } = await bus.request(
        'messaging',
        'users:sharingRoom',
        { userId, candidates },
        ctx ?? systemContext('presence'),
        { timeoutMs },
      );
      return new Set(userIds);
    } catch (error) {
      log.warn({ err: errorMessage(error), userId }, 'sharing lookup failed');
      return null;
    }
  };
}

/**
 * The rule of presence visibility: a viewer sees themself, an admin sees everyone, anyone else
 * sees the users they share a room with. Returns the visible subset of `targets`, in order;
 * throws UNAVAILABLE when memberships cannot be read (never guess in the viewer's favour).
 */
export async function visibleTargets(
  viewer: Principal,
  targets: string[],
  sharingRoom: SharingRoom,
): Promise<string[]> {
  if (viewer.role === ADMIN_ROLE) return targets;
  const others = [...new Set(targets.filter((id) => id !== viewer.userId))];
  const shared = await sharingRoom(viewer.userId, others);
  if (shared === null) throw new AppError('UNAVAILABLE', MEMBERSHIPS_UNAVAILABLE);
  return targets.filter((id) => id === viewer.userId || shared.has(id));
}
