import type { SwitchboardClient } from '@switchboard/client';
import type { Message } from '@switchboard/protocol';

/** Every message of a room as stored, paging forward through history. */
export async function allMessages(client: SwitchboardClient, roomId: string): Promise<Message[]> {
  const out: Message[] = [];
  for (;;) {
    const page = await client.history({ roomId, afterSeq: out.at(-1)?.seq ?? 0, limit: 200 });
    out.push(...page.messages);
    if (!page.hasMore) return out;
  }
}
