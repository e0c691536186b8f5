import { type Logger, type LoggerOptions, pino } from 'pino';

export type { Logger } from 'pino';

/** Paths redacted from every log line: tokens and secrets never reach the logs. */
export const REDACT_PATHS = [
  'token',
  '*.token',
  'auth.token',
  '*.auth.token',
  'authorization',
  '*.authorization',
  'headers.authorization',
  'req.headers.authorization',
  'req.headers.cookie',
  'password',
  '*.password',
  'secret',
  '*.secret',
  'jwtSecret',
  '*.jwtSecret',
  'config.jwtSecret',
  'apiKey',
  '*.apiKey',
  'databaseUrl',
  '*.databaseUrl',
];

export interface LoggerConfig {
  service: string;
  level?: string;
  /** `pretty` for a person at a terminal, `json` for machines; unset: pretty only on a TTY. */
  format?: 'json' | 'pretty';
  destination?: NodeJS.WritableStream;
}

export function createLogger({ service, level = 'info', format = defaultFormat(), destination }: LoggerConfig): Logger {
  const options: LoggerOptions = {
    level,
    base: { service },
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    timestamp: pino.stdTimeFunctions.isoTime,
  };
  if (format === 'pretty') {
    return pino({
      ...options,
      transport: {
        target: 'pino-pretty',
        options: {
          colorize: true,
          singleLine: true,
          ignore: 'pid,hostname,service',
          translateTime: 'HH:MM:ss.l',
          messageFormat: '{service}: {msg}',
        },
      },
    });
  }
  return destination ? pino(options, destination as pino.DestinationStream) : pino(options);
}

function defaultFormat(): 'json' | 'pretty' {
  return process.stdout.isTTY ? 'pretty' : 'json';
}
