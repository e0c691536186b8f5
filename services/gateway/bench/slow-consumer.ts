// Slow-consumer measurement (not a test): a raw WebSocket client joins a room and stops reading
// while the room gets a message flood; reports how much the gateway process holds for it, with
// the default MAX_OUTGOING_BUFFER_BYTES and with the bound effectively off. Run:
// `npx tsx services/gateway/bench/slow-consumer.ts` (BENCH_FLOOD_MB=200). Figures: docs/operations.md.
import type net from 'node:net';
import { socketRooms } from '@switchboard/protocol';
import { WebSocket } from 'ws';
import { startTestGateway, testMessage } from '../src/test-harness.ts';

const FLOOD_BYTES = Number(process.env.BENCH_FLOOD_MB ?? 200) * 1024 * 1024;
const CHUNK = 'x'.repeat(64 * 1024);
const mb = (bytes: number) => Math.round((bytes / 1024 / 1024) * 10) / 10;

function memory() {
  globalThis.gc?.();
  const m = process.memoryUsage();
  return { rss: m.rss, heap: m.heapUsed + m.external + m.arrayBuffers };
}

async function run(limit: number) {
  const gw = await startTestGateway({
    env: { MAX_OUTGOING_BUFFER_BYTES: String(limit) },
    handlers: { messaging: { 'session:open': async () => ({ rooms: [] }) } },
  });
  const ws = new WebSocket(`${gw.url.replace('http', 'ws')}/socket.io/?EIO=4&transport=websocket`);
  const socketId = await new Promise<string>((resolve) => {
    ws.on('message', (data) => {
      const text = String(data);
      if (text.startsWith('0')) ws.send(`40${JSON.stringify({ token: gw.token('stalled') })}`);
      else if (text.startsWith('40')) resolve((JSON.parse(text.slice(2)) as { sid: string }).sid);
    });
  });
  const socket = gw.gateway.io.of('/').sockets.get(socketId);
  if (!socket) throw new Error('not connected');
  await socket.join(socketRooms.room('flood'));
  (ws as unknown as { _socket: net.Socket })._socket.pause();
  const before = memory();
  let emitted = 0;
  let seq = 0;
  while (socket.connected && emitted < FLOOD_BYTES) {
    for (let i = 0; i < 16; i++)
      gw.gateway.io.to(socketRooms.room('flood')).emit('message:new', testMessage({ seq: ++seq, content: CHUNK }));
    emitted += 16 * CHUNK.length;
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
  await new Promise((resolve) => setTimeout(resolve, 200));
  const after = memory();
  const row = {
    limitMB: limit > 1e11 ? 'off' : mb(limit),
    floodedMB: mb(emitted),
    droppedAfterMB: socket.connected ? null : mb(emitted),
    heapGrowthMB: mb(after.heap - before.heap),
    rssGrowthMB: mb(after.rss - before.rss),
  };
  ws.terminate();
  await gw.close();
  return row;
}

const rows = [await run(8 * 1024 * 1024), await run(1e12)];
console.table(rows);
process.exit(0);
