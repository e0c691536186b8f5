import { createLogger, type Logger } from '@switchboard/runtime';

/** Quiet logger for tests; `TEST_LOG=debug` shows everything. */
export function testLogger(service = 'test'): Logger {
  return createLogger({ service, level: process.env.TEST_LOG ?? 'silent' });
}
