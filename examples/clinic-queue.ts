// The clinic waiting queue: a backend drives three audiences through `POST /api/publish`, and
// the clients listen with plain socket.io-client. Against a running Switchboard:
//   API_KEY=… JWT_SECRET=… npm start            (or npm run cluster)
//   URL=http://localhost:3000 API_KEY=… JWT_SECRET=… npx tsx examples/clinic-queue.ts
// Tokens are minted here with JWT_SECRET for the demo; a real app gets them from its login.
import { signToken } from '@switchboard/runtime';
import { io, type Socket } from 'socket.io-client';

const URL = process.env.URL ?? 'http://localhost:3000';
const API_KEY = process.env.API_KEY ?? '';
const JWT_SECRET = process.env.JWT_SECRET ?? '';
if (!API_KEY || !JWT_SECRET) throw new Error('set API_KEY and JWT_SECRET (the server’s)');

/** The backend side: one HTTP call per audience. */
async function publish(to: Record<string, string | boolean>, event: string, data: unknown): Promise<void> {
  const response = await fetch(`${URL}/api/publish`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-api-key': API_KEY },
    body: JSON.stringify({ to, event, data }),
  });
  if (response.status !== 202) throw new Error(`publish ${event}: ${response.status} ${await response.text()}`);
}

/** The client side: a socket that waits for `connected` and prints the queue events it gets. */
async function connect(userId: string, role: string): Promise<Socket> {
  const socket = io(URL, { auth: { token: signToken(JWT_SECRET, userId, { name: userId, role }) } });
  for (const event of ['position_update', 'queue_refresh', 'queue_update']) {
    socket.on(event, (data: unknown) => console.log(`${userId} (${role}) got ${event}`, JSON.stringify(data)));
  }
  await new Promise<void>((resolve, reject) => {
    socket.once('connected', () => resolve());
    socket.once('connect_error', reject);
  });
  return socket;
}

const sockets = await Promise.all([
  connect('patient-17', 'patient'),
  connect('patient-18', 'patient'),
  connect('nurse-anna', 'staff'),
]);
await publish({ user: 'patient-17' }, 'position_update', { position: 2, etaMinutes: 10 });
await publish({ role: 'staff' }, 'queue_refresh', { waiting: 7 });
await publish({ role: 'patient' }, 'queue_update', { nowServing: 41 });
// Published events are ephemeral: give them a moment to arrive, then leave.
await new Promise((resolve) => setTimeout(resolve, 1000));
for (const socket of sockets) socket.close();
