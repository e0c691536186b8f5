// Process entry of the `socketio-redis-plain` peer: what most teams deploy — a plain Socket.IO
// relay on the Redis adapter, two of them behind nginx ip_hash, nothing stored.
import { createAdapter } from '@socket.io/redis-adapter';
import { socketIoKey } from '@switchboard/runtime';
import { Redis } from 'ioredis';
import { startRelayServer } from './relay-server.ts';
import { announceAndWait, RelayEnvSchema } from './server-entry.ts';

const env = RelayEnvSchema.parse(process.env);
if (!env.REDIS_URL) throw new Error('REDIS_URL is required');

const pub = new Redis(env.REDIS_URL);
const sub = pub.duplicate();
const server = await startRelayServer({
  port: env.PORT,
  jwtSecret: env.JWT_SECRET,
  adapter: createAdapter(pub, sub, { key: socketIoKey(env.REDIS_PREFIX) }),
});

announceAndWait(server, async () => {
  pub.disconnect();
  sub.disconnect();
});
