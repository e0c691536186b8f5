// A minimal Chrome DevTools Protocol client over the inspector's WebSocket, so the soak can force
// a full GC in the server process and read its heap from outside: Node's own `inspector` module
// only reaches the process it runs in, and the server carries no hooks for the soak.
import WebSocket from 'ws';

/** The inspector's ws URL from a process started with `--inspect=127.0.0.1:0` (it prints it on stderr). */
export function inspectorUrl(output: string): string | undefined {
  return /Debugger listening on (ws:\/\/\S+)/.exec(output)?.[1];
}

export type CdpMessage =
  | { kind: 'result'; id: number; result: Record<string, unknown> }
  | { kind: 'error'; id: number; message: string }
  | { kind: 'event'; method: string };

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** One frame from the inspector: a reply to a command (result or error) or an event. */
export function parseCdpMessage(text: string): CdpMessage {
  const frame: unknown = JSON.parse(text);
  if (!isRecord(frame)) throw new Error('cdp: frame is not an object');
  if (typeof frame.id === 'number') {
    if (isRecord(frame.error)) return { kind: 'error', id: frame.id, message: String(frame.error.message) };
    if (isRecord(frame.result)) return { kind: 'result', id: frame.id, result: frame.result };
    throw new Error(`cdp: reply ${frame.id} has neither result nor error`);
  }
  if (typeof frame.method === 'string') return { kind: 'event', method: frame.method };
  throw new Error('cdp: frame is neither a reply nor an event');
}

/** `Runtime.getHeapUsage`'s answer: bytes used by live (and not yet collected) objects, and the heap's size. */
export function parseHeapUsage(result: Record<string, unknown>): { usedSize: number; totalSize: number } {
  const { usedSize, totalSize } = result;
  if (typeof usedSize !== 'number' || typeof totalSize !== 'number') throw new Error('cdp: unexpected heap usage');
  return { usedSize, totalSize };
}

/** The value of a `Runtime.evaluate` made with `returnByValue`, or the exception it threw. */
export function evaluatedValue(result: Record<string, unknown>): unknown {
  if (isRecord(result.exceptionDetails))
    throw new Error(`cdp: evaluation threw: ${String(result.exceptionDetails.text)}`);
  if (!isRecord(result.result)) throw new Error('cdp: evaluation has no result');
  return result.result.value;
}

export interface CdpClient {
  send(method: string, params?: Record<string, unknown>): Promise<Record<string, unknown>>;
  close(): Promise<void>;
}

export async function connectCdp(url: string, timeoutMs = 120_000): Promise<CdpClient> {
  const ws = new WebSocket(url, { perMessageDeflate: false });
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  let nextId = 1;
  const pending = new Map<number, { resolve: (r: Record<string, unknown>) => void; reject: (e: Error) => void }>();
  const failAll = (error: Error) => {
    for (const p of pending.values()) p.reject(error);
    pending.clear();
  };
  ws.on('message', (data: WebSocket.RawData) => {
    const message = parseCdpMessage(data.toString());
    if (message.kind === 'event') return;
    const waiter = pending.get(message.id);
    pending.delete(message.id);
    if (message.kind === 'error') waiter?.reject(new Error(`cdp: ${message.message}`));
    else waiter?.resolve(message.result);
  });
  ws.on('close', () => failAll(new Error('cdp: inspector connection closed')));
  ws.on('error', (error) => failAll(error));
  return {
    send(method, params = {}) {
      const id = nextId++;
      return new Promise((resolve, reject) => {
        // A full GC of a large heap on a loaded machine takes seconds, not minutes.
        const timer = setTimeout(() => {
          pending.delete(id);
          reject(new Error(`cdp: ${method} timed out`));
        }, timeoutMs);
        pending.set(id, {
          resolve: (r) => {
            clearTimeout(timer);
            resolve(r);
          },
          reject: (e) => {
            clearTimeout(timer);
            reject(e);
          },
        });
        ws.send(JSON.stringify({ id, method, params }));
      });
    },
    async close() {
      if (ws.readyState === WebSocket.CLOSED) return;
      const closed = new Promise((r) => ws.once('close', r));
      ws.close();
      await closed;
    },
  };
}
