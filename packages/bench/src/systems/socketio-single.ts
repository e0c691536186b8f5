// Process entry of the `socketio-single` baseline: one plain Socket.IO relay, no Redis, no DB.
import { RelayEnvSchema, announceAndWait } from './server-entry.ts';
import { startRelayServer } from './relay-server.ts';

const env = RelayEnvSchema.parse(process.env);
const server = await startRelayServer({ port: env.PORT, jwtSecret: env.JWT_SECRET });
announceAndWait(server);
