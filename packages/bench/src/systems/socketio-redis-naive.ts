// Process entry of the `socketio-redis-naive` baseline (the seeds' approach): a plain Socket.IO
// relay on the Redis adapter that awaits one database insert per message before emitting it.
import crypto from 'node:crypto';
import { createAdapter } from '@socket.io/redis-adapter';
import { createDb } from '@switchboard/db';
import { socketIoKey } from '@switchboard/runtime';
import { Redis } from 'ioredis';
import { NAIVE_TABLE } from './naive-table.ts';
import { startRelayServer } from './relay-server.ts';
import { announceAndWait, RelayEnvSchema } from './server-entry.ts';

const env = RelayEnvSchema.parse(process.env);
if (!env.REDIS_URL || !env.DATABASE_URL) throw new Error('REDIS_URL and DATABASE_URL are required');

const pub = new Redis(env.REDIS_URL);
const sub = pub.duplicate();
const db = createDb(env.DATABASE_URL);

const server = await startRelayServer({
  port: env.PORT,
  jwtSecret: env.JWT_SECRET,
  adapter: createAdapter(pub, sub, { key: socketIoKey(env.REDIS_PREFIX) }),
  async persist(message) {
    // One round trip per message, awaited before the emit: the pattern being measured.
    await db.$executeRawUnsafe(
      `INSERT INTO ${NAIVE_TABLE} (id, room_id, sender_id, content) VALUES ($1, $2, $3, $4)`,
      crypto.randomUUID(),
      message.roomId,
      message.senderId,
      message.content,
    );
  },
});

announceAndWait(server, async () => {
  await db.$disconnect();
  pub.disconnect();
  sub.disconnect();
});
