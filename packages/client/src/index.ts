export { type CallLogPage, fetchCallLog } from './call-log.ts';
export { Calls, type CallsTransport } from './calls.ts';
export {
  type ClientOptions,
  createClient,
  type ErrorHandler,
  type MessageHandler,
  SwitchboardClient,
} from './client.ts';
export { DeliveryEngine, type DeliveryEngineOptions, type FillResult } from './delivery.ts';
export { type AlertEventKind, type AlertHandler, EmergencyAlerts } from './emergencies.ts';
export { SwitchboardError } from './errors.ts';
export { fetchIceServers } from './ice-servers.ts';
export { type NotificationHandler, NotificationInbox, type UnreadCountHandler } from './notifications.ts';
export { type PresenceHandler, PresenceTracker } from './presence.ts';
export type { ClientSocket, RequestFn, RequestOptions } from './request.ts';
export type { RestTarget } from './rest.ts';
export { DEFAULT_SEND_RETRY, type RetryPolicy, type SendMessageInput } from './send.ts';
export { type CursorStorage, memoryCursorStorage } from './storage.ts';
export { refreshLeadMs, TokenRefresher } from './token-refresh.ts';
export { type WebStorageLike, webCursorStorage } from './web-storage.ts';
