// Plain Node ESM with the installed SDK (`npm install @switchboard/client`): connect, create a
// room, send a message, print what the server answered. pack.test.ts runs this very file.
//   SWITCHBOARD_URL=http://localhost:3000 SWITCHBOARD_TOKEN=$(npm run -s token -- alice) node connect.mjs
import { createClient, SwitchboardError } from '@switchboard/client';

const client = createClient({
  url: process.env.SWITCHBOARD_URL ?? 'http://localhost:3000',
  token: process.env.SWITCHBOARD_TOKEN,
});
client.socket.on('connect_error', (error) => {
  console.error(`cannot connect: ${error.message}`);
  process.exit(1);
});

try {
  const { serverId } = await new Promise((resolve) => client.on('connected', resolve));
  await client.synced();
  const room = await client.createRoom({ type: 'group', name: 'Hello from the SDK' });
  const message = await client.sendMessage({ roomId: room.id, content: 'first message' });
  console.log(JSON.stringify({ serverId, roomId: room.id, seq: message.seq, content: message.content }));
} catch (error) {
  console.error(error instanceof SwitchboardError ? `${error.code}: ${error.message}` : error);
  process.exitCode = 1;
} finally {
  client.close();
}
