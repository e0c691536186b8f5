import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { once, request, startTestGateway, type TestGateway } from './test-harness.ts';

describe('maxHttpBufferSize', () => {
  let gw: TestGateway;
  before(async () => {
    gw = await startTestGateway({
      env: { MAX_HTTP_BUFFER_SIZE: '4096' },
      handlers: {
        messaging: {
          'session:open': async () => ({ rooms: [] }),
          'message:send': async () => ({ message: { id: 'm' } }),
        },
      },
    });
  });
  after(() => gw.close());

  for (const transport of ['websocket', 'polling'] as const) {
    test(`an oversized ${transport} message disconnects that client only`, async () => {
      const bystander = gw.client(gw.token('bystander'));
      const sender = gw.client(gw.token('sender'), { transports: [transport] });
      await Promise.all([once(bystander, 'connected'), once(sender, 'connected')]);
      const dropped = new Promise<string>((resolve) => sender.once('disconnect', resolve));
      sender.emit('message:send', { roomId: 'r1', content: 'x'.repeat(8000) }, () =>
        assert.fail('an oversized message must not be answered'),
      );
      assert.match(await dropped, /transport (close|error)/);
      assert.equal((await request(bystander, 'message:send', { roomId: 'r1', content: 'still served' })).success, true);
      const next = gw.client(gw.token('next'), { transports: [transport] });
      await once(next, 'connected');
      assert.equal((await request(next, 'message:send', { roomId: 'r1', content: 'small' })).success, true);
    });
  }
});
