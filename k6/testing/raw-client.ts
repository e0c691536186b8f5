// Node-only test support: a raw WebSocket that speaks Socket.IO through k6/lib/framing.js only,
// so a test proves the framing against a real server. Answers pings unless told not to.
import { WebSocket } from 'ws';
import { encodePong, type Frame, parseFrame } from '../lib/framing.js';

export type FrameOf<K extends Frame['kind']> = Extract<Frame, { kind: K }>;

export interface RawClient {
  /** Every text frame received, in order. */
  texts: string[];
  send(text: string): void;
  /** The next (or an already buffered) frame of that kind matching `match`; rejects after 3 s. */
  next<K extends Frame['kind']>(kind: K, match?: (frame: FrameOf<K>) => boolean): Promise<FrameOf<K>>;
  closed: Promise<void>;
  close(): void;
}

export function openRaw(url: string, { autoPong = true } = {}): RawClient {
  const ws = new WebSocket(url);
  const buffer: Frame[] = [];
  const waiters: { test: (f: Frame) => boolean; resolve: (f: Frame) => void }[] = [];
  const texts: string[] = [];
  const opened = new Promise<void>((resolve, reject) => ws.once('open', resolve).once('error', reject));
  ws.on('message', (data) => {
    const text = String(data);
    texts.push(text);
    const frame = parseFrame(text);
    if (autoPong && frame.kind === 'ping') ws.send(encodePong());
    const waiter = waiters.findIndex((w) => w.test(frame));
    if (waiter >= 0) waiters.splice(waiter, 1)[0]?.resolve(frame);
    else buffer.push(frame);
  });
  return {
    texts,
    send: (text) => void opened.then(() => ws.send(text)),
    next(kind, match = () => true) {
      const test = (f: Frame) => f.kind === kind && match(f as FrameOf<typeof kind>);
      const index = buffer.findIndex(test);
      if (index >= 0) return Promise.resolve(buffer.splice(index, 1)[0] as FrameOf<typeof kind>);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`no ${kind} frame within 3 s; last frames: ${texts.slice(-5).join(' | ')}`)),
          3000,
        );
        waiters.push({ test, resolve: (f) => (clearTimeout(timer), resolve(f as FrameOf<typeof kind>)) });
      });
    },
    closed: new Promise((resolve) => ws.once('close', () => resolve())),
    close: () => ws.terminate(),
  };
}
