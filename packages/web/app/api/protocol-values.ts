import type { DEV_TOKEN_PATH as ProtocolDevTokenPath, RequestPayload, RoomType } from '@switchboard/protocol';

// The few protocol *values* the page needs, restated so the bundle does not carry zod (the
// protocol's modules build their schemas at load time; ~27 KB gzip). The types below make the
// typecheck fail if the protocol's values change and these do not.

export const ROOM_TYPES = ['group', 'direct', 'emergency', 'visit', 'topic'] as const satisfies readonly RoomType[];
type MustBeNever<T extends never> = T;
export type EveryRoomTypeListed = MustBeNever<Exclude<RoomType, (typeof ROOM_TYPES)[number]>>;

export const DEV_TOKEN_PATH: typeof ProtocolDevTokenPath = '/api/dev/token';

export const EMERGENCY_TYPES = [
  'PANIC',
  'MEDICAL',
  'SECURITY',
  'FIRE',
  'GENERAL',
] as const satisfies readonly EmergencyType[];
export type EveryEmergencyTypeListed = MustBeNever<Exclude<EmergencyType, (typeof EMERGENCY_TYPES)[number]>>;
type EmergencyType = RequestPayload<'emergency:sos'>['type'];
