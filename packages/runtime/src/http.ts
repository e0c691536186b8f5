import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { HTTP_STATUS, type Principal } from '@switchboard/protocol';
import express, { type ErrorRequestHandler, type Express, type Request, type RequestHandler } from 'express';
import { AppError, isAppError, toAckFailure } from './app-error.ts';
import { bearerToken, type TokenVerifier } from './auth.ts';
import type { Logger } from './logger.ts';
import type { Metrics } from './metrics.ts';
import { REFUSALS } from './refusals.ts';

/** A named dependency check for `/readyz` (Redis ping, Postgres select 1, …). */
export type ReadinessCheck = () => Promise<void>;

export interface HttpAppOptions {
  log: Logger;
  metrics: Metrics;
  checks?: Record<string, ReadinessCheck>;
  /** Extra readiness gate, e.g. a gateway that is draining. */
  isAccepting?: () => boolean;
  bodyLimit?: string;
}

/** Express app with the operations endpoints every service serves and JSON error handling. */
export function createHttpApp({
  log,
  metrics,
  checks = {},
  isAccepting = () => true,
  bodyLimit = '256kb',
}: HttpAppOptions): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', 'loopback');
  app.use(express.json({ limit: bodyLimit }));
  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/readyz', async (_req, res) => {
    const results: Record<string, string> = {};
    let ready = isAccepting();
    if (!ready) results.accepting = 'draining';
    await Promise.all(
      Object.entries(checks).map(async ([name, check]) => {
        try {
          await withTimeout(check(), 2000);
          results[name] = 'ok';
        } catch (error) {
          ready = false;
          results[name] = error instanceof Error ? error.message : 'failed';
          log.warn({ check: name, err: results[name] }, 'readiness check failed');
        }
      }),
    );
    res.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'not ready', checks: results });
  });
  app.get('/metrics', async (_req, res) => {
    res.set('Content-Type', metrics.registry.contentType);
    res.send(await metrics.registry.metrics());
  });
  // Only while HOP_TRACE_EVERY samples: message keys and times, for the benchmark (hop-trace.ts).
  app.get('/debug/hops', (_req, res) => {
    if (!metrics.hops.enabled) return void res.status(404).json({ error: REFUSALS.noSuchEndpoint });
    res.json({ marks: metrics.hops.marks() });
  });
  // Route-level errors are added by `finishHttpApp` after the service mounts its routes.
  return app;
}

/** express.json()'s failures, by their `type`: a bad body is the client's mistake, not INTERNAL. */
const BODY_PARSER_ERRORS = new Map<unknown, { status: number; error: string }>([
  ['entity.parse.failed', { status: 400, error: REFUSALS.bodyNotJson }],
  ['entity.too.large', { status: 413, error: REFUSALS.bodyTooLarge }],
  ['charset.unsupported', { status: 415, error: REFUSALS.bodyCharset }],
  ['encoding.unsupported', { status: 415, error: REFUSALS.bodyEncoding }],
]);

/**
 * Any other client error the body reader raised (http-errors marks those it may show with
 * `expose`), e.g. a body that claims gzip but is not: still the client's mistake.
 */
function otherBodyError(error: unknown): { status: number; error: string } | undefined {
  if (isAppError(error) || error === null || typeof error !== 'object') return undefined;
  const { status, expose } = error as { status?: unknown; expose?: unknown };
  if (typeof status !== 'number' || status < 400 || status > 499 || expose !== true) return undefined;
  return { status: status === 413 || status === 415 ? status : 400, error: REFUSALS.bodyUnreadable };
}

/** Mount the 404 and error handlers; call after all routes. */
export function finishHttpApp(app: Express, log: Logger, metrics: Metrics): void {
  app.use((_req, res) => {
    res.status(404).json({ success: false, code: 'NOT_FOUND', error: REFUSALS.noSuchEndpoint });
  });
  const onError: ErrorRequestHandler = (error, req, res, _next) => {
    const bodyError =
      BODY_PARSER_ERRORS.get((error as { type?: unknown } | null | undefined)?.type) ?? otherBodyError(error);
    if (bodyError) {
      metrics.errors.inc({ code: 'INVALID_PAYLOAD' });
      res.status(bodyError.status).json({ success: false, code: 'INVALID_PAYLOAD', error: bodyError.error });
      return;
    }
    // AppErrors answer with their own code; anything else is INTERNAL, logged, its message kept back.
    const failure = toAckFailure(error);
    metrics.errors.inc({ code: failure.code });
    if (!isAppError(error)) log.error({ err: error, path: req.path }, 'unhandled route error');
    res.status(HTTP_STATUS[failure.code]).json(failure);
  };
  app.use(onError);
}

declare module 'express-serve-static-core' {
  interface Request {
    principal?: Principal;
  }
}

/** Bearer-JWT guard for REST routes: 401 without or with a bad token. */
export function requireUser(verifier: TokenVerifier): RequestHandler {
  return (req, _res, next) => {
    const token = bearerToken(req.header('authorization'));
    if (!token) return next(new AppError('UNAUTHENTICATED', REFUSALS.missingBearer));
    try {
      req.principal = verifier.verify(token);
      next();
    } catch (error) {
      next(error);
    }
  };
}

export function principalOf(req: Request): Principal {
  if (!req.principal) throw new AppError('UNAUTHENTICATED', REFUSALS.missingBearer);
  return req.principal;
}

/** Listen and resolve with the bound port (port 0 picks a free one, for tests). */
export async function listen(server: http.Server, port: number, host: string): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return (server.address() as AddressInfo).port;
}

async function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      promise,
      new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error('timeout')), ms))),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * How long an idle keep-alive connection stays open. Longer than any proxy in front keeps its idle
 * upstream connections (nginx's `keepalive_timeout` in our upstreams: 60 s): the proxy, not Node,
 * must close an idle one. The other way round nginx can pick a connection at the moment Node
 * closes it, and retries the request on the next upstream, which for a Socket.IO polling request
 * is another gateway ("Session ID unknown", 400), and fails a POST with 502.
 */
export const KEEP_ALIVE_TIMEOUT_MS = 65_000;

/**
 * The HTTP server for an express app, as every process runs it: keep-alive longer than the
 * proxy's, and parser refusals answered with the REST contract.
 */
export function createAppServer(app: Express): http.Server {
  const server = http.createServer(app);
  server.keepAliveTimeout = KEEP_ALIVE_TIMEOUT_MS;
  return answerClientErrorsAsJson(server);
}

/**
 * Requests Node's HTTP parser refuses before express sees them (headers or a request line over
 * `maxHeaderSize`, e.g. a huge query string; malformed HTTP) answered with the REST contract's
 * JSON body instead of Node's bare status line. Install on every server that mounts an app.
 */
export function answerClientErrorsAsJson(server: http.Server): http.Server {
  server.on('clientError', (error: NodeJS.ErrnoException, socket) => {
    if (error.code === 'ECONNRESET' || !socket.writable) {
      socket.destroy();
      return;
    }
    const tooLarge = error.code === 'HPE_HEADER_OVERFLOW';
    const [status, reason, sentence] = tooLarge
      ? [431, 'Request Header Fields Too Large', 'Request headers or URL are too large']
      : [400, 'Bad Request', 'Request could not be parsed'];
    const body = JSON.stringify({ success: false, code: 'INVALID_PAYLOAD', error: sentence });
    socket.end(
      `HTTP/1.1 ${status} ${reason}\r\ncontent-type: application/json; charset=utf-8\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
    );
  });
  return server;
}
