import type {
  ClientRequestName,
  ClientRequestPayload,
  ClientRequestResult,
  ClientToServerEvents,
  ServerToClientEvents,
} from '@switchboard/protocol';
import type { Socket } from 'socket.io-client';
import { SwitchboardError, settleAck } from './errors.ts';
import { CONNECTION_LOST, NOT_CONNECTED, noAnswerWithin } from './refusals.ts';

export type ClientSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

export interface RequestOptions {
  /** Client-side deadline, including the wait for a connection; past it the request fails UNAVAILABLE. */
  timeoutMs?: number;
}

/** Any request with an ack: the services' (`REQUESTS`) and the gateway's own (`GATEWAY_REQUESTS`). */
export type RequestFn = <E extends ClientRequestName>(
  event: E,
  payload: ClientRequestPayload<E>,
  options?: RequestOptions,
) => Promise<ClientRequestResult<E>>;

/** The untyped face of the socket, used only inside this module (the public signature is typed). */
interface RawSocket {
  connected: boolean;
  active: boolean;
  emit(event: string, payload: unknown, ack: (response: unknown) => void): unknown;
  once(event: string, listener: (...args: unknown[]) => void): unknown;
  off(event: string, listener: (...args: unknown[]) => void): unknown;
}

/**
 * `emit(event, payload, ack)` as a promise. While the socket is disconnected the request waits for
 * the connection (within its deadline) instead of sitting in socket.io's send buffer, so a timed-out
 * request is never replayed behind the caller's back. A connection lost before the ack rejects at
 * once with UNAVAILABLE: the server may or may not have processed it (hence idempotent sends).
 */
export function createRequester(socket: ClientSocket, defaultTimeoutMs: number): RequestFn {
  const raw = socket as unknown as RawSocket;
  return <E extends ClientRequestName>(event: E, payload: ClientRequestPayload<E>, options: RequestOptions = {}) =>
    new Promise<ClientRequestResult<E>>((resolve, reject) => {
      const timeoutMs = options.timeoutMs ?? defaultTimeoutMs;
      let settled = false;
      const finish = (outcome: () => void) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        raw.off('connect', send);
        raw.off('disconnect', lost);
        outcome();
      };
      const timer = setTimeout(
        () => finish(() => reject(new SwitchboardError('UNAVAILABLE', noAnswerWithin(event, timeoutMs)))),
        timeoutMs,
      );
      const lost = () => finish(() => reject(new SwitchboardError('UNAVAILABLE', CONNECTION_LOST)));
      const send = () => {
        raw.once('disconnect', lost);
        raw.emit(event, payload, (ack) => {
          const result = settleAck(ack);
          finish(() => (result.ok ? resolve(result.value as ClientRequestResult<E>) : reject(result.error)));
        });
      };
      if (raw.connected) return send();
      if (!raw.active) return finish(() => reject(new SwitchboardError('UNAVAILABLE', NOT_CONNECTED)));
      raw.once('connect', send);
    });
}
