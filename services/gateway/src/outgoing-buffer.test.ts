// A client that stops reading while its room is flooded: the gateway drops that socket once more
// than MAX_OUTGOING_BUFFER_BYTES wait for it, and keeps serving everyone else.
import assert from 'node:assert/strict';
import type net from 'node:net';
import { after, before, describe, test } from 'node:test';
import { socketRooms } from '@switchboard/protocol';
import { waitFor } from '@switchboard/testkit';
import { WebSocket } from 'ws';
import { once, request, startTestGateway, type TestGateway, testMessage } from './test-harness.ts';

const LIMIT = 4_000_000;
/** Far more than the loopback's kernel buffers (a few MB each way) plus the limit. */
const FLOOD_CAP_BYTES = 150 * 1024 * 1024;

/** A raw Engine.IO/Socket.IO client over `ws`, so it can stop reading (pause its TCP socket). */
async function rawClient(url: string, token: string): Promise<{ ws: WebSocket; socketId: string }> {
  const ws = new WebSocket(`${url.replace('http', 'ws')}/socket.io/?EIO=4&transport=websocket`);
  const socketId = await new Promise<string>((resolve, reject) => {
    ws.on('error', reject);
    ws.on('message', (data) => {
      const text = String(data);
      if (text.startsWith('0')) ws.send(`40${JSON.stringify({ token })}`);
      else if (text.startsWith('40')) resolve((JSON.parse(text.slice(2)) as { sid: string }).sid);
      else if (text === '2') ws.send('3');
    });
  });
  return { ws, socketId };
}

describe('a client that stops reading', () => {
  let gw: TestGateway;
  before(async () => {
    gw = await startTestGateway({
      env: { MAX_OUTGOING_BUFFER_BYTES: String(LIMIT) },
      handlers: {
        messaging: {
          'session:open': async () => ({ rooms: [] }),
          'message:send': async () => ({ message: testMessage() }),
        },
      },
    });
  });
  after(() => gw.close());

  test('is dropped once more than the limit waits for it; the others in its room are still served', async () => {
    const slow = await rawClient(gw.url, gw.token('stalled'));
    const bystander = gw.client(gw.token('reader'));
    await once(bystander, 'connected');
    const serverSide = gw.gateway.io.of('/').sockets.get(slow.socketId);
    assert.ok(serverSide, 'the raw client is connected');
    const room = socketRooms.room('flooded');
    await serverSide.join(room);
    await gw.gateway.io
      .of('/')
      .sockets.get(bystander.id ?? '')
      ?.join(room);
    const dropped = new Promise<string>((resolve) => serverSide.once('disconnect', resolve));
    let bystanderGot = 0;
    bystander.on('message:new', () => bystanderGot++);

    // Stop reading: the kernel buffers fill, then everything waits in the gateway.
    (slow.ws as unknown as { _socket: net.Socket })._socket.pause();
    const chunk = 'x'.repeat(64 * 1024);
    let emitted = 0;
    let seq = 0;
    while (serverSide.connected && emitted < FLOOD_CAP_BYTES) {
      for (let i = 0; i < 8; i++)
        gw.gateway.io.to(room).emit('message:new', testMessage({ seq: ++seq, content: chunk }));
      emitted += 8 * chunk.length;
      // The next burst only once the reader has read this one: it never falls behind by more
      // than a burst (well under the limit), however slow this shared machine is today.
      await waitFor(() => bystanderGot === seq, { timeoutMs: 30_000, what: 'the reader to keep up' });
    }
    assert.equal(serverSide.connected, false, `still connected after ${emitted} bytes were sent its way`);
    assert.equal(await dropped, 'forced close');
    const guards = await gw.metrics.guards.get();
    assert.equal(guards.values.find((v) => v.labels.guard === 'slow_consumer')?.value, 1);

    await waitFor(() => bystanderGot === seq, { timeoutMs: 30_000, what: 'the reader to get every message' });
    assert.equal((await request(bystander, 'message:send', { roomId: 'r1', content: 'fine' })).success, true);
    slow.ws.terminate();
  });
});
