import { IceServerList } from '@switchboard/protocol';
import { z } from 'zod';

/**
 * Every environment variable Switchboard reads, in one schema. `docs/configuration.md` and the
 * README table are checked against it by a test, so the docs cannot drift from the code.
 */
export const ENV_DOCS: Record<string, string> = {
  PORT: 'Port to listen on: the embedded server (default 3000), nginx in cluster mode (default 8080).',
  HOST: 'Interface to bind (default 0.0.0.0).',
  SERVICE_PORT: 'Port of one service process in cluster mode (the supervisor sets it).',
  REDIS_URL: 'Redis for the bus, adapter, presence and rate limits. Unset: embedded in-memory mode.',
  REDIS_PREFIX: 'Prefix of every Redis key, stream and channel (default `sb:`), so clusters can share one Redis.',
  DATABASE_URL: 'Postgres connection string. Unset in `npm start`: embedded Postgres under `./.data/`.',
  JWT_SECRET:
    'HS256 secret for client tokens. Required by each cluster service process; `npm start`, `npm run cluster` and `npm run token` fall back to a public dev secret with a warning.',
  JWT_PUBLIC_KEY: 'PEM public key: verify RS256 tokens instead of HS256.',
  API_KEY:
    'Key backends send as `X-Api-Key` to `POST /api/notifications` and `POST /api/publish` (unset: those endpoints answer 401).',
  CORS_ORIGINS:
    'Comma-separated browser origins allowed to connect (`*` for any). Default: `*` in `npm start`; in cluster mode only same-origin pages and clients that send no Origin (mobile, servers).',
  MAX_HTTP_BUFFER_SIZE: 'Largest Socket.IO message in bytes (default 1000000).',
  RATE_LIMIT_WRITE: 'Writes (send, create, join…) per user per 10 s (default 100).',
  RATE_LIMIT_READ: 'Reads (history, participants, presence get…) per user per 10 s (default 200).',
  RATE_LIMIT_SIGNAL:
    'Signals (location, call signalling) per user per 10 s (default 300); typing events have a budget of their own of the same size.',
  BUS_TIMEOUT_MS: 'Deadline of a request forwarded over the bus before `UNAVAILABLE` (default 5000).',
  BUS_PARTITIONS:
    "Streams each service's bus commands are split over by partition key (room id for messaging), each processed in order by one replica at a time (default 8). Must be the same in every process; change it only with the bus drained.",
  HOP_TRACE_EVERY:
    'Trace 1 message in N (chosen by a hash of its `clientMessageId`, the same in every process) hop by hop, times kept in a bounded ring at `GET /debug/hops` (default 0: off; `npm run bench` sets it).',
  BUS_LEASE_MS:
    "How long a dead replica's bus partitions stay with it before another replica takes them over, finishing its pending commands first (default 5000).",
  SHUTDOWN_GRACE_MS: 'How long a gateway spends closing sockets in waves on shutdown (default 3000).',
  GATEWAY_ID: 'Name of a gateway replica, sent as `serverId` (default: hostname-pid).',
  GATEWAYS: 'Number of gateway processes `npm run cluster` starts (default 2).',
  REPLICAS:
    'Processes per service `npm run cluster` starts, e.g. `messaging=2,presence=2` (default one each; at most 8; named `messaging-1`, `messaging-2`, …).',
  LOG_LEVEL: 'pino level: fatal, error, warn, info, debug, trace, silent (default info).',
  LOG_FORMAT:
    '`json` or `pretty` (default: `pretty` when output is a terminal, else `json`; `npm run cluster` passes its own choice to its processes).',
  ROOM_ARCHIVE_AFTER_MS: 'Inactive rooms with nobody online are archived after this long (default 3600000).',
  MESSAGE_COMMITS_IN_FLIGHT:
    "Messaging's group-commit transactions running at once, each for rooms the others do not hold (default 2, at most 8). A second one keeps a slow commit from holding other rooms' sends and overlaps a remote database's round trips; on a box where Postgres, the load and every process share a few cores it adds transactions and Postgres CPU per message, and 1 held as high a rate (docs/performance.md).",
  PRESENCE_AWAY_AFTER_MS: 'Idle time before a user is set `away` automatically (default 300000).',
  PRESENCE_OFFLINE_AFTER_MS: "Bound for a crashed gateway's users to go offline (default 30000).",
  PRESENCE_WEBHOOK_RELAY_MS:
    'How often each presence process moves the `user.online`/`user.offline` crossings its store journaled (in Redis; in memory in embedded mode) into the webhook outbox (default 500; also once at start, so a restarted process relays what a killed one left).',
  LOCATION_RETENTION_DAYS: 'Days of location history kept (default 7).',
  LOCATION_RATE_INTERVAL_MS: 'Location uploads per user: one token every this many ms (default 500).',
  LOCATION_RATE_BURST: 'Location uploads per user allowed in a burst (default 5).',
  CALL_RING_TIMEOUT_MS:
    'How long an unanswered call rings before both parties get `call:missed` (default 45000; survives restarts).',
  CALL_RECONNECT_GRACE_MS:
    "How long a call survives the socket a party uses for it being gone (for one of the party's devices to connect and take the call over) before `call:ended` `connection_lost` (default 20000).",
  CALL_QUALITY_RTT_MS: '`call:qualityIssue` when reported RTT stays above this many ms (default 400).',
  CALL_QUALITY_JITTER_MS: '`call:qualityIssue` when reported jitter stays above this many ms (default 30).',
  CALL_QUALITY_LOSS_PERCENT: '`call:qualityIssue` when reported packet loss stays above this percentage (default 3).',
  CALL_QUALITY_SAMPLES:
    'Consecutive samples past a threshold that raise `call:qualityIssue`, and below 80% of it that clear it (default 3).',
  WEBHOOK_URL: 'Backend URL Switchboard POSTs webhook events to (Standard Webhooks format). Unset: no webhooks.',
  WEBHOOK_SECRET: 'Signing secret of the webhooks, `whsec_` + base64 (required with `WEBHOOK_URL`).',
  WEBHOOK_RETRY_DELAYS_MS:
    'Delays between webhook delivery attempts, comma-separated ms (default `5000,300000,1800000,7200000,18000000,36000000,36000000`, the Standard Webhooks schedule); past the last one the event is marked failed.',
  WEBHOOK_TIMEOUT_MS: 'How long one webhook POST may take before it counts as failed and is retried (default 15000).',
  EMERGENCY_ESCALATION:
    'Escalation steps of an unacknowledged alert, `<delayMs>:<role>` comma-separated (default `300000:supervisor,900000:admin`).',
  DATA_DIR: 'Embedded Postgres data directory (default `./.data`).',
  EMBEDDED_PG_PORT: 'Preferred port of the embedded Postgres (default 54329; a free one if taken).',
  CLUSTER_NODE_ARGS:
    'Extra Node.js flags `npm run cluster` passes to every process it starts (e.g. `--max-old-space-size=512 --cpu-prof`).',
  CLUSTER_STATE_DIR:
    '`npm run cluster` writes `pids.json` (its processes, pids and ports) here (default `./.cluster`).',
  HANDSHAKE_LIMIT_PER_IP:
    'Socket.IO handshakes a gateway accepts per client address per 10 s (default 1000); past it `connect_error` "Too many connection attempts from this address, try again later".',
  MAX_CONNECTIONS:
    'Sockets one gateway accepts; past it a handshake gets `connect_error` "Server at capacity, try again later" (default: its open-file limit minus 256, so it never runs out of descriptors silently).',
  MAX_OPENING_SESSIONS:
    'Sessions one gateway may be setting up at once (accepted handshakes still waiting for their rooms from messaging, default 500); past it new handshakes are refused at the HTTP level ("Server busy opening sessions, try again"), which socket.io-client retries with its backoff, so a connect storm the services cannot keep up with waits at the clients instead of in memory.',
  SESSION_WINDOW_MS:
    'How long a gateway gathers the sockets that connect or disconnect before it tells the services about them in one bus entry per service (`sessions:open`/`sessions:close`, at most 500 sockets each; default 10): what a lone connect waits before its session opens; 0 sends it on the next timer tick. Under a storm the window grows up to `SESSION_WINDOW_MAX_MS`.',
  SESSION_WINDOW_MAX_MS:
    "How long a gateway's session window may grow under a connect storm (default 40; a value below `SESSION_WINDOW_MS` counts as `SESSION_WINDOW_MS`): a window that gathered more than one socket doubles the next, one that gathered a single socket resets it. Fewer, larger entries cost every process less CPU per connect (measured in docs/performance.md: 3.3 ms at a fixed 10 ms, 2.3 ms at 40, 1,500 connects through two gateways), at the price of up to that much more time to `connected`; set it to `SESSION_WINDOW_MS` for a fixed window.",
  TRUST_PROXY:
    'Proxies whose `X-Forwarded-For` a gateway believes when it finds the client address for the handshake limit: comma-separated IPs, CIDRs or `loopback`, `linklocal`, `uniquelocal` (default `loopback`: nginx of `npm run cluster`).',
  MAX_OUTGOING_BUFFER_BYTES:
    'Bytes a socket may have waiting to be sent (a client that stops reading) before the gateway drops it (default 8388608); the client reconnects and catches up with `sync`.',
  NGINX_CONN_PER_IP:
    "`npm run cluster`'s nginx: connections one client address may hold open on `/socket.io/` and `/api/` (default 2000).",
  NGINX_REQ_PER_IP:
    "`npm run cluster`'s nginx: requests per second one client address may make to `/socket.io/` and `/api/`, bursts of 10× allowed (default 200).",
  WEB_ICE_SERVERS:
    'STUN/TURN servers for calls, a JSON array of RTCIceServer (`[{"urls":"stun:stun.example.org:3478"},{"urls":["turn:turn.example.org:3478?transport=udp"],"username":"u","credential":"p"}]`), handed to the web app by the gateways (`GET /api/ice-servers`). Default: none (host candidates only, enough on one network). Static TURN credentials only (time-limited ones are not supported; docs/operations.md): every signed-in user can read them.',
};

const int = (def: number) => z.coerce.number().int().positive().default(def);

/** A Postgres connection string, checked the same way by every process that takes one. */
export function postgresUrl(base: z.ZodString = z.string()): z.ZodString {
  return base.regex(/^postgres(ql)?:\/\//, 'must be a postgresql:// URL');
}

/** `WEB_ICE_SERVERS`: JSON text of RTCIceServer entries; unset or blank is none. */
function iceServers() {
  return z
    .string()
    .optional()
    .transform((text, ctx) => {
      if (text === undefined || text.trim() === '') return [];
      try {
        return JSON.parse(text) as unknown;
      } catch {
        ctx.addIssue({
          code: 'custom',
          message: 'must be a JSON array of ICE servers ({ urls, username?, credential? })',
        });
        return z.NEVER;
      }
    })
    .pipe(IceServerList);
}

export const BaseConfigSchema = z.object({
  HOST: z.string().default('0.0.0.0'),
  REDIS_URL: z.string().url().optional(),
  REDIS_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9:_\-.{}]*$/, 'letters, digits and : _ - . { } only')
    .default('sb:'),
  DATABASE_URL: postgresUrl().optional(),
  JWT_SECRET: z.string().min(8, 'must be at least 8 characters').optional(),
  JWT_PUBLIC_KEY: z.string().optional(),
  API_KEY: z.string().min(8).optional(),
  CORS_ORIGINS: z.string().optional(),
  MAX_HTTP_BUFFER_SIZE: int(1_000_000),
  RATE_LIMIT_WRITE: int(100),
  RATE_LIMIT_READ: int(200),
  RATE_LIMIT_SIGNAL: int(300),
  BUS_TIMEOUT_MS: int(5000),
  BUS_PARTITIONS: z.coerce.number().int().min(1).max(256).default(8),
  BUS_LEASE_MS: int(5000),
  HOP_TRACE_EVERY: z.coerce.number().int().min(0).default(0),
  SHUTDOWN_GRACE_MS: z.coerce.number().int().min(0).default(3000),
  GATEWAY_ID: z.string().max(64).optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  LOG_FORMAT: z.enum(['json', 'pretty']).optional(),
  ROOM_ARCHIVE_AFTER_MS: int(3_600_000),
  MESSAGE_COMMITS_IN_FLIGHT: z.coerce.number().int().min(1).max(8).default(2),
  PRESENCE_AWAY_AFTER_MS: int(300_000),
  PRESENCE_OFFLINE_AFTER_MS: int(30_000),
  PRESENCE_WEBHOOK_RELAY_MS: z.coerce.number().int().min(10).max(3_600_000).default(500),
  LOCATION_RETENTION_DAYS: int(7),
  LOCATION_RATE_INTERVAL_MS: int(500),
  LOCATION_RATE_BURST: int(5),
  CALL_RING_TIMEOUT_MS: int(45_000),
  CALL_RECONNECT_GRACE_MS: int(20_000),
  CALL_QUALITY_RTT_MS: int(400),
  CALL_QUALITY_JITTER_MS: int(30),
  CALL_QUALITY_LOSS_PERCENT: z.coerce.number().positive().max(100).default(3),
  CALL_QUALITY_SAMPLES: int(3),
  WEBHOOK_URL: z.string().url().optional(),
  WEBHOOK_SECRET: z
    .string()
    .regex(/^whsec_[A-Za-z0-9+/]+={0,2}$/, 'must be whsec_ followed by base64')
    .optional(),
  WEBHOOK_RETRY_DELAYS_MS: z
    .string()
    .regex(/^\d+(,\d+)*$/, 'must be comma-separated milliseconds')
    .default('5000,300000,1800000,7200000,18000000,36000000,36000000'),
  WEBHOOK_TIMEOUT_MS: int(15_000),
  EMERGENCY_ESCALATION: z
    .string()
    .regex(/^(\d+:[A-Za-z0-9_.-]+)(,\d+:[A-Za-z0-9_.-]+)*$/, 'must be <delayMs>:<role> steps, comma-separated')
    .default('300000:supervisor,900000:admin'),
  HANDSHAKE_LIMIT_PER_IP: int(1000),
  MAX_CONNECTIONS: z.coerce.number().int().positive().optional(),
  MAX_OPENING_SESSIONS: int(500),
  SESSION_WINDOW_MS: z.coerce.number().int().min(0).max(1000).default(10),
  SESSION_WINDOW_MAX_MS: z.coerce.number().int().min(0).max(1000).default(40),
  TRUST_PROXY: z
    .string()
    .regex(/^[A-Za-z0-9.:/, ]+$/, 'must be comma-separated addresses, CIDRs or loopback/linklocal/uniquelocal')
    .default('loopback'),
  MAX_OUTGOING_BUFFER_BYTES: int(8 * 1024 * 1024),
  WEB_ICE_SERVERS: iceServers(),
});

export type BaseEnv = z.infer<typeof BaseConfigSchema>;

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Parse env with a schema; throw one error listing every bad or missing variable. */
export function parseEnv<S extends z.ZodType>(schema: S, env: NodeJS.ProcessEnv = process.env): z.infer<S> {
  const result = schema.safeParse(env);
  if (result.success) return result.data;
  throw new ConfigError(result.error.issues.map((i) => `${i.path.join('.') || '(env)'}: ${i.message}`));
}

/** Secret used by the embedded mode and `npm run token` when none is configured. */
export const DEV_JWT_SECRET = 'switchboard-dev-secret-change-me';
