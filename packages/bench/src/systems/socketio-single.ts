// Process entry of the `socketio-single` baseline: one plain Socket.IO relay, no Redis, no DB.

import { startRelayServer } from './relay-server.ts';
import { announceAndWait, RelayEnvSchema } from './server-entry.ts';

const env = RelayEnvSchema.parse(process.env);
const server = await startRelayServer({ port: env.PORT, jwtSecret: env.JWT_SECRET });
announceAndWait(server);
