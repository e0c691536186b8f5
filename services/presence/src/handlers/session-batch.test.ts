import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Presence, PresencesResult } from '@switchboard/protocol';
import { createTestDatabase, type TestDatabase } from '@switchboard/testkit';
import { type Harness, startHarness } from '../testing/harness.ts';

let database: TestDatabase;
before(async () => {
  database = await createTestDatabase('presence_batch');
});
after(async () => {
  await database.drop();
});

for (const store of ['memory', 'redis'] as const) {
  describe(`a gateway's batch of sessions (${store} store)`, () => {
    let h: Harness;
    before(async () => {
      h = await startHarness({ label: `batch-${store}`, store, database });
    });
    after(() => h.stop());

    const statusOf = async (userIds: string[]) => {
      // As an admin: a user sees only the presence of those it shares a room with.
      const { presences } = await h.request<PresencesResult>('presence:get', { userIds }, 'ops', 'admin');
      return presences.map((p) => p.status);
    };

    test('many users coming online in one batch cost one rooms lookup and one presence:changed each', async () => {
      const users = Array.from({ length: 30 }, (_, i) => `many-${store}-${i}`);
      for (const u of users) h.rooms.set(u, [`room-${u}`]);
      const before = h.messaging.roomsLookups;
      await h.batch(
        'sessions:open',
        users.map((u) => [u, `sock-${u}`]),
      );
      assert.equal(h.messaging.roomsLookups - before, 1, 'one rooms:ofUsers for the whole batch');
      const changes = h.events<Presence>('presence:changed').filter((e) => users.includes(e.data.userId));
      assert.equal(changes.length, users.length);
      for (const change of changes) assert.deepEqual(change.targets, [`room:room-${change.data.userId}`]);
      assert.deepEqual(await statusOf(users.slice(0, 3)), ['online', 'online', 'online']);
    });

    test("a socket's close after its open leaves its user offline; one of two devices leaving keeps it online", async () => {
      const one = `oneBatch-${store}`;
      const two = `twoBatches-${store}`;
      await h.batch('sessions:open', [[one, `s-${one}`]]);
      await h.batch('sessions:close', [[one, `s-${one}`]]);
      await h.batch('sessions:open', [
        [two, `s-${two}`],
        [two, `s2-${two}`],
      ]);
      await h.batch('sessions:close', [[two, `s-${two}`]]);
      assert.deepEqual(await statusOf([one, two]), ['offline', 'online']);
      await h.batch('sessions:close', [[two, `s2-${two}`]]);
      assert.deepEqual(await statusOf([two]), ['offline']);
    });

    test('a close processed before its open (an older gateway, another partition) still leaves the user offline', async () => {
      const late = `late-${store}`;
      await h.batch('sessions:close', [[late, `s-${late}`]]);
      await h.batch('sessions:open', [[late, `s-${late}`]]);
      assert.deepEqual(await statusOf([late]), ['offline']);
    });

    test('messaging down: the batch still changes presence, published to subscribers only', async () => {
      const down = `down-${store}`;
      h.messaging.up = false;
      try {
        await h.batch('sessions:open', [[down, `s-${down}`]]);
      } finally {
        h.messaging.up = true;
      }
      assert.deepEqual(await statusOf([down]), ['online']);
    });
  });
}
