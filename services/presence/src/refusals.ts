/** Error sentences clients see from presence (docs/api.md and the tests quote them). */
export const LOCATION_TOO_FAST = 'Too many location updates, slow down';
export const MEMBERSHIPS_UNAVAILABLE = 'Room memberships are unavailable, try again';
export const LOCATION_DENIED = "Access denied to this user's location";
export const GEOFENCE_TARGET_DENIED = 'Access denied to this geofence target';
export const GEOFENCE_NOT_FOUND = 'Geofence not found';
export const GEOFENCE_DENIED = 'Access denied to this geofence';
