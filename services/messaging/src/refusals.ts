/** Error sentences clients see (PROTOCOL.md quotes them), shared by handlers and the committer. */
export const ROOM_NOT_FOUND = 'Room not found';
export const ACCESS_DENIED = 'Access denied to this room';
