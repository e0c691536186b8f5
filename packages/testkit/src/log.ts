import { Writable } from 'node:stream';
import { createLogger, type Logger } from '@switchboard/runtime';

/** Quiet logger for tests; `TEST_LOG=debug` shows everything. */
export function testLogger(service = 'test'): Logger {
  return createLogger({ service, level: process.env.TEST_LOG ?? 'silent' });
}

/** A logger whose lines (parsed JSON, at `level` and above) a test reads back. */
export function capturingLogger(level = 'info'): { log: Logger; lines: { level: number; msg: string }[] } {
  const lines: { level: number; msg: string }[] = [];
  const log = createLogger({
    service: 'test',
    level,
    format: 'json',
    destination: new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(JSON.parse(chunk.toString()) as { level: number; msg: string });
        done();
      },
    }),
  });
  return { log, lines };
}
