// Types of session.js for the node test (tsc); k6 ignores this file.
import type { Frame } from './framing.js';

export declare const LIFECYCLE: string[];

export interface SessionState {
  handshake: Extract<Frame, { kind: 'open' }> | undefined;
  sid: string | undefined;
  connected: boolean;
  connectError: string | undefined;
  pings: number;
  unsupported: number;
  startedAt: number;
  connectedAt: number | undefined;
}

/** An ack as the wire has it: `{ success: true, ...result }` or `{ success: false, code, error }`. */
export interface AckLike {
  success?: boolean;
  code?: string;
  error?: string;
  [key: string]: unknown;
}

export interface Session {
  state: SessionState;
  receive(raw: unknown): Frame;
  on(event: string, callback: (...args: never[]) => void): void;
  emit(event: string, payload?: unknown): void;
  request(
    event: string,
    payload: unknown,
    callback: (response: AckLike | undefined, info: { event: string; elapsedMs: number }) => void,
  ): number;
  pendingRequests(): { id: number; event: string; ageMs: number }[];
  disconnect(): void;
  transportClosed(): void;
}

export declare function createSession(options: {
  send: (text: string) => void;
  auth?: object;
  now?: () => number;
}): Session;
export declare function isNotAvailable(response: unknown): boolean;
