/** Error sentences clients see from call-signaling (PROTOCOL.md quotes several; tests assert them). */
export const OTHER_DEVICE = 'This call is connected on another of your devices';
export const CALL_NOT_FOUND = 'Call not found';
export const NOT_A_PARTY = 'Access denied to this call';
export const ONLY_RECIPIENT = 'Only the recipient can accept or reject this call';
export const CALLER_BUSY = 'Caller is busy';
export const RECIPIENT_BUSY = 'Recipient is busy';
export const SELF_CALL = 'You cannot call yourself';
export const STRANGER = 'You can only call users you share a room with';
export const ROOM_NOT_SHARED = 'The call room must be a room you both belong to';
export const MEMBERSHIPS_DOWN = 'Room memberships are unavailable, try again';
export const BEFORE_NOT_YOURS = 'before is not a call of yours';
/** PROTOCOL.md's CONFLICT sentence: "Cannot accept call in ended state". */
export const cannotInState = (action: string, state: string): string => `Cannot ${action} call in ${state} state`;
