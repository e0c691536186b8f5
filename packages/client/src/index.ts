export { createClient, SwitchboardClient, type ClientOptions, type ErrorHandler, type MessageHandler } from './client.ts';
export { DeliveryEngine, type DeliveryEngineOptions, type FillResult } from './delivery.ts';
export { SwitchboardError } from './errors.ts';
export type { ClientSocket, RequestFn, RequestOptions } from './request.ts';
export { DEFAULT_SEND_RETRY, type RetryPolicy, type SendMessageInput } from './send.ts';
export { memoryCursorStorage, type CursorStorage } from './storage.ts';
export { PresenceTracker, type PresenceHandler } from './presence.ts';
export { webCursorStorage, type WebStorageLike } from './web-storage.ts';
