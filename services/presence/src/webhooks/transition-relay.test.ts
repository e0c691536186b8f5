import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Db } from '@switchboard/db';
import { capturingLogger, waitFor } from '@switchboard/testkit';
import type { IdentifiedEvent, WebhookOutbox } from '@switchboard/webhooks';
import { MemoryTransitionJournal } from '../store/transition-journal.ts';
import { RELAY_BATCH, startTransitionRelay } from './transition-relay.ts';

/** An outbox that keeps what it is given, failing while `down`. */
function recordingOutbox(enabled = true) {
  const recorded: IdentifiedEvent[] = [];
  const outbox = {
    enabled,
    down: false,
    recorded,
    enqueue: async () => {},
    async record(_db: unknown, events: IdentifiedEvent[]) {
      if (outbox.down) throw new Error('connection refused');
      recorded.push(...events);
    },
  };
  return outbox satisfies WebhookOutbox & { down: boolean };
}

const db = {} as Db;
const crossing = (userId: string, at = Date.now()) => ({
  type: 'user.online' as const,
  at,
  userId,
  status: 'online' as const,
  lastSeen: at,
});
const { log, lines } = capturingLogger();

describe('the transition relay', () => {
  test('moves the journal into the outbox in order, with its ids and times, and empties it', async () => {
    const journal = new MemoryTransitionJournal();
    for (let i = 0; i < RELAY_BATCH + 3; i++) journal.record(crossing(`u${i}`, 1_000 + i));
    const outbox = recordingOutbox();
    let counted = 0;
    const relay = startTransitionRelay({
      journal,
      outbox,
      db,
      log,
      intervalMs: 60_000,
      onRelayed: (n) => {
        counted += n;
      },
    });
    await relay.drain();
    await relay.stop();
    assert.equal(outbox.recorded.length, RELAY_BATCH + 3);
    assert.equal(counted, RELAY_BATCH + 3, 'every relayed event counted');
    assert.equal(await journal.length(), 0);
    assert.deepEqual(
      outbox.recorded.slice(0, 2).map((e) => [e.type, e.data.userId, e.at.getTime()]),
      [
        ['user.online', 'u0', 1_000],
        ['user.online', 'u1', 1_001],
      ],
    );
    const ids = outbox.recorded.map((e) => e.id);
    assert.equal(new Set(ids).size, ids.length, 'one id per crossing');
    assert.deepEqual([...ids].sort(), ids, 'ids sort in journal order');
    assert.deepEqual(await journal.read(10), []);
  });

  test('while the outbox fails the entries stay, logged once, and go once it is back', async () => {
    const journal = new MemoryTransitionJournal();
    const outbox = recordingOutbox();
    outbox.down = true;
    const before = lines.length;
    const relay = startTransitionRelay({ journal, outbox, db, log, intervalMs: 10 });
    journal.record(crossing('kept'));
    await waitFor(() => lines.slice(before).some((l) => l.msg.includes('not relayed yet')), {
      what: 'the failure logged',
    });
    await new Promise((r) => setTimeout(r, 60));
    assert.equal(lines.slice(before).filter((l) => l.msg.includes('not relayed yet')).length, 1, 'once per outage');
    assert.equal((await journal.read(10)).length, 1, 'still in the journal');
    outbox.down = false;
    await waitFor(() => outbox.recorded.length === 1, { what: 'relayed after recovery' });
    await relay.stop();
    assert.equal(outbox.recorded[0]?.data.userId, 'kept');
    assert.ok(lines.slice(before).some((l) => l.msg.includes('relayed again')));
  });

  test('with webhooks off the journal is emptied without reaching the outbox', async () => {
    const journal = new MemoryTransitionJournal();
    for (let i = 0; i < RELAY_BATCH * 2 + 1; i++) journal.record(crossing(`off${i}`));
    const outbox = recordingOutbox(false);
    const relay = startTransitionRelay({ journal, outbox, db, log, intervalMs: 60_000 });
    await relay.stop();
    assert.deepEqual(await journal.read(10), []);
    assert.equal(outbox.recorded.length, 0);
  });

  test('stop relays what was journaled since the last tick', async () => {
    const journal = new MemoryTransitionJournal();
    const outbox = recordingOutbox();
    const relay = startTransitionRelay({ journal, outbox, db, log, intervalMs: 60_000 });
    await relay.drain();
    journal.record(crossing('late'));
    await relay.stop();
    assert.deepEqual(
      outbox.recorded.map((e) => e.data.userId),
      ['late'],
    );
  });
});
