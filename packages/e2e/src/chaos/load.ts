// Steady chat load for the chaos runner: members of one room, each sending through nginx with the
// SDK (retries with one clientMessageId per message), each recording what the SDK hands it.
import { createClient, type SwitchboardClient } from '@switchboard/client';
import type { Message } from '@switchboard/protocol';
import { signToken } from '@switchboard/runtime';

export interface Member {
  userId: string;
  client: SwitchboardClient;
  /** What the SDK delivered for the room, in delivery order. */
  received: Message[];
}

export interface ChatLoad {
  roomId: string;
  members: Member[];
  /** Every message acked `success: true`, by clientMessageId. */
  acked: Map<string, Message>;
  /** Sends that were given up on (never acked): allowed, they are not promised. */
  failed: number;
  stop(): Promise<void>;
  close(): void;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export async function startChatLoad(url: string, secret: string, members = 4, intervalMs = 50): Promise<ChatLoad> {
  const connect = async (userId: string): Promise<Member> => {
    const client = createClient({
      url,
      token: signToken(secret, userId, { name: userId }),
      sendRetry: { maxAttempts: 20, maxDelayMs: 4000 }, // faults go on for a while
    });
    await client.synced();
    return { userId, client, received: [] };
  };
  const ids = Array.from({ length: members }, (_, i) => `chaos-${i}`);
  const all = await Promise.all(ids.map(connect));
  const room = await all[0]!.client.createRoom({ type: 'group', name: 'chaos', memberIds: ids.slice(1) });
  for (const m of all) m.client.onMessage(room.id, (message) => m.received.push(message));

  const acked = new Map<string, Message>();
  let failed = 0;
  let running = true;
  const sender = async (m: Member) => {
    for (let n = 0; running; n += 1) {
      const clientMessageId = `${m.userId}-${n}`;
      try {
        acked.set(
          clientMessageId,
          await m.client.sendMessage({ roomId: room.id, content: clientMessageId, clientMessageId }),
        );
      } catch {
        failed += 1;
      }
      await sleep(intervalMs);
    }
  };
  const senders = Promise.all(all.map(sender));
  return {
    roomId: room.id,
    members: all,
    acked,
    get failed() {
      return failed;
    },
    async stop() {
      running = false;
      await senders;
    },
    close() {
      for (const m of all) m.client.close();
    },
  };
}
