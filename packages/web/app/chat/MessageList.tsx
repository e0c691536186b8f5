import type { Message } from '@switchboard/protocol';
import { useEffect, useLayoutEffect, useRef, useState } from 'react';
import { useServices } from '../shell/services.tsx';
import { useStore } from '../ui/store.ts';
import type { RoomState } from './chat-state.ts';

/** Sent → delivered → read, from the other members' cursors ("everything up to seq"). */
function receiptOf(room: RoomState, message: Message, names: Record<string, string>): string {
  const others = Object.entries(room.receipts);
  const readers = others.filter(([, r]) => r.read >= message.seq).map(([id]) => names[id] ?? id);
  if (readers.length > 0) return `Read by ${readers.join(', ')}`;
  if (others.some(([, r]) => r.delivered >= message.seq)) return 'Delivered';
  return 'Sent';
}

export function MessageList({ room }: { room: RoomState }) {
  const { chat, session } = useServices();
  const names = useStore(chat.store, (s) => s.names);
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<string | undefined>();
  const scroller = useRef<HTMLDivElement>(null);
  const stickToBottom = useRef(true);
  const lastSeq = room.messages.at(-1)?.seq;

  // New messages keep the view at the bottom unless the reader scrolled up.
  // biome-ignore lint/correctness/useExhaustiveDependencies: lastSeq and room.id are the triggers (a new message, another room)
  useLayoutEffect(() => {
    const el = scroller.current;
    if (el && stickToBottom.current) el.scrollTop = el.scrollHeight;
  }, [lastSeq, room.id]);
  // biome-ignore lint/correctness/useExhaustiveDependencies: room.id is the trigger (another room starts at the bottom)
  useEffect(() => {
    stickToBottom.current = true;
  }, [room.id]);

  const loadOlder = async () => {
    const el = scroller.current;
    const fromBottom = el ? el.scrollHeight - el.scrollTop : 0;
    setLoading(true);
    setError(undefined);
    try {
      await chat.loadOlder(room.id);
      // Keep the message the reader was looking at in place.
      requestAnimationFrame(() => {
        if (el) el.scrollTop = el.scrollHeight - fromBottom;
      });
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setLoading(false);
    }
  };

  const typing = Object.keys(room.typing).map((id) => names[id] ?? id);
  return (
    <div
      className="messages"
      role="log"
      ref={scroller}
      // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrollable region must be reachable by keyboard (axe: scrollable-region-focusable)
      tabIndex={0}
      aria-label="Messages"
      onScroll={(e) => {
        const el = e.currentTarget;
        stickToBottom.current = el.scrollHeight - el.scrollTop - el.clientHeight < 40;
      }}
    >
      {room.hasOlder && room.messages.length > 0 && (
        <button type="button" className="load-older" onClick={() => void loadOlder()} disabled={loading}>
          {loading ? 'Loading…' : 'Load older messages'}
        </button>
      )}
      {error && (
        <p className="alert error" role="alert">
          {error}
        </p>
      )}
      {room.messages.length === 0 && <p className="muted empty-room">No messages yet. Say hello.</p>}
      <div role="log" aria-live="polite" aria-relevant="additions" aria-label="Message log" data-testid="message-log">
        <ol>
          {room.messages.map((m) => {
            const mine = m.senderId === session.userId;
            return (
              <li
                key={m.seq}
                className={`message${mine ? ' mine' : ''}${m.targetUserId ? ' private' : ''}`}
                data-seq={m.seq}
                data-testid="message"
              >
                <div className="meta">
                  <span className="sender">{mine ? 'You' : (names[m.senderId] ?? m.senderId)}</span>
                  {m.targetUserId && (
                    <span className="tag">
                      private {mine ? `to ${names[m.targetUserId] ?? m.targetUserId}` : 'to you'}
                    </span>
                  )}
                  <time dateTime={m.createdAt}>
                    {new Date(m.createdAt).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' })}
                  </time>
                </div>
                <p className="content">{m.content}</p>
                {mine && (
                  <p className="receipt small" data-testid="receipt">
                    {receiptOf(room, m, names)}
                  </p>
                )}
              </li>
            );
          })}
        </ol>
      </div>
      <p className="typing small" aria-live="polite" data-testid="typing">
        {typing.length > 0 ? `${typing.join(', ')} ${typing.length === 1 ? 'is' : 'are'} typing…` : '\u00a0'}
      </p>
    </div>
  );
}
