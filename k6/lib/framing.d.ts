// Types of framing.js for the node test (tsc); k6 ignores this file.
export declare const ENGINE: { OPEN: '0'; CLOSE: '1'; PING: '2'; PONG: '3'; MESSAGE: '4'; UPGRADE: '5'; NOOP: '6' };
export declare const SOCKET: { CONNECT: '0'; DISCONNECT: '1'; EVENT: '2'; ACK: '3'; CONNECT_ERROR: '4' };

export type Frame =
  | {
      kind: 'open';
      sid: string;
      pingInterval: number;
      pingTimeout: number;
      maxPayload: number | undefined;
      upgrades: string[];
    }
  | { kind: 'ping' | 'pong'; data: string }
  | { kind: 'close' | 'noop' | 'disconnect' }
  | { kind: 'connect'; sid: string }
  | { kind: 'connect_error'; message: string; data: unknown }
  | { kind: 'event'; event: string; args: unknown[]; id?: number }
  | { kind: 'ack'; id: number; args: unknown[] }
  | { kind: 'unsupported'; reason: string; raw: unknown };

export declare function socketIoUrl(baseUrl: string): string;
export declare function encodeConnect(auth?: object): string;
export declare function encodeDisconnect(): string;
export declare function encodeEvent(event: string, payload?: unknown): string;
export declare function encodeRequest(id: number, event: string, payload?: unknown): string;
export declare function encodeAck(id: number, args: unknown[]): string;
export declare function encodePong(): string;
export declare function parseFrame(raw: unknown): Frame;
