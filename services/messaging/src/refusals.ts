/** Error sentences clients see (PROTOCOL.md quotes them), shared by handlers and the committer. */
export const ROOM_NOT_FOUND = 'Room not found';
export const ACCESS_DENIED = 'Access denied to this room';
export const JOIN_REQUEST_NOT_FOUND = 'Join request not found';
export const APPROVAL_REQUIRED = 'This room requires approval: send room:requestJoin';
export const DIRECT_ROOM_MEMBERS = 'memberIds: a direct room needs exactly one other member';
export const TARGET_NOT_MEMBER = 'targetUserId: is not a member of this room';
export const SHUTTING_DOWN = 'Messaging is shutting down';
export const NOT_STORED = 'Message could not be stored; retry with the same clientMessageId';
export const notAPhone = (index: number): string => `emergencyContacts.${index}: is not a phone number`;
