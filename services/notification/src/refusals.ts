import { MAX_PUBLISH_DATA_BYTES } from '@switchboard/protocol';

/** Error sentences clients and backends see from the notification service (docs/api.md quotes them). */
export const NOTIFICATION_NOT_FOUND = 'Notification not found';
export const BEFORE_NOT_YOURS = 'before: is not one of your notifications';
export const MISSING_API_KEY = 'Missing X-Api-Key header';
export const INVALID_API_KEY = 'Invalid API key';
export const PUBLISH_DATA_TOO_LARGE = `data: must be at most ${MAX_PUBLISH_DATA_BYTES} bytes of JSON`;
export const reservedEvent = (event: string): string => `event: ${event} is reserved by Switchboard`;
export const ALERT_NOT_FOUND = 'Alert not found';
export const ALERT_ACCESS_DENIED = 'Access denied to this alert';
export const ALERT_RESOLVED = 'Alert is already resolved';
export const ONLY_AUDIENCE_ACKNOWLEDGES = 'Only the alert’s audience may acknowledge it';
export const ONLY_RESOLVERS = 'Only the user, the acknowledger or an admin may resolve it';
