// What the chaos runner checks once the faults stop and the load drains: every acked message is
// stored once and reached every member exactly once, in seq order; presence converged.
import type { Message } from '@switchboard/protocol';
import { waitFor } from '@switchboard/testkit';
import type { ChatLoad } from './load.ts';

export interface DeliveryReport {
  acked: number;
  failedSends: number;
  stored: number;
  /** (message, member) pairs checked. */
  deliveriesChecked: number;
  /** Acked messages missing from storage or from a member's deliveries. */
  lost: number;
  /** Messages stored twice (same clientMessageId) or delivered twice to a member. */
  duplicated: number;
  /** Deliveries out of seq order, and gaps in the stored seqs. */
  outOfOrder: number;
  seqGaps: number;
  presenceConverged: boolean;
}

async function allMessages(load: ChatLoad): Promise<Message[]> {
  const client = load.members[0]!.client;
  const out: Message[] = [];
  for (;;) {
    const page = await client.history({ roomId: load.roomId, afterSeq: out.at(-1)?.seq ?? 0, limit: 200 });
    out.push(...page.messages);
    if (!page.hasMore) return out;
  }
}

export async function checkDelivery(load: ChatLoad): Promise<DeliveryReport> {
  const stored = await waitFor(() => allMessages(load), { timeoutMs: 60_000, what: 'history readable' });
  const lastSeq = stored.at(-1)?.seq ?? 0;
  // Every member catches up (the SDK recovers what it missed) before counting.
  await waitFor(() => load.members.every((m) => (m.client.cursors()[load.roomId] ?? 0) >= lastSeq), {
    timeoutMs: 120_000,
    what: 'every member caught up',
  }).catch(() => undefined);

  const byClientId = new Map<string, number>();
  for (const m of stored)
    byClientId.set(m.clientMessageId ?? m.id, (byClientId.get(m.clientMessageId ?? m.id) ?? 0) + 1);
  let duplicated = [...byClientId.values()].filter((n) => n > 1).length;
  const storedIds = new Set(stored.map((m) => m.id));
  let lost = [...load.acked.values()].filter((m) => !storedIds.has(m.id)).length;
  const seqGaps = stored.filter((m, i) => m.seq !== i + 1).length;

  let outOfOrder = 0;
  let deliveriesChecked = 0;
  for (const member of load.members) {
    const seen = new Set<string>();
    member.received.forEach((m, i) => {
      if (seen.has(m.id)) duplicated += 1;
      seen.add(m.id);
      if (i > 0 && m.seq <= member.received[i - 1]!.seq) outOfOrder += 1;
    });
    for (const m of load.acked.values()) {
      deliveriesChecked += 1;
      if (!seen.has(m.id)) lost += 1;
    }
  }

  const presenceConverged = await waitFor(
    async () => {
      const viewer = load.members[0]!.client;
      const { presences } = await viewer.request('presence:get', {
        userIds: load.members.slice(1).map((m) => m.userId),
      });
      return presences.every((p) => p.status === 'online');
    },
    { timeoutMs: 60_000, what: 'presence converged' },
  ).then(
    () => true,
    () => false,
  );

  return {
    acked: load.acked.size,
    failedSends: load.failed,
    stored: stored.length,
    deliveriesChecked,
    lost,
    duplicated,
    outOfOrder,
    seqGaps,
    presenceConverged,
  };
}
