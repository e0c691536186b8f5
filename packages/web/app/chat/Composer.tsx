import { type FormEvent, type KeyboardEvent, useId, useState } from 'react';
import { useServices } from '../shell/services.tsx';
import type { RoomState } from './chat-state.ts';

/** Write a message to the room, or privately to one member; Enter sends, Shift+Enter is a new line. */
export function Composer({ room }: { room: RoomState }) {
  const { chat, session } = useServices();
  const id = useId();
  const [text, setText] = useState('');
  const [target, setTarget] = useState('');
  const [error, setError] = useState<string | undefined>();
  const [sending, setSending] = useState(false);
  const others = room.participants.filter((p) => p.userId !== session.userId);

  const send = async () => {
    const content = text.trim();
    if (!content || sending) return;
    setSending(true);
    setError(undefined);
    try {
      await chat.send(room.id, content, target || undefined);
      setText('');
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setSending(false);
    }
  };
  const submit = (event: FormEvent) => {
    event.preventDefault();
    void send();
  };
  const onKeyDown = (event: KeyboardEvent<HTMLTextAreaElement>) => {
    if (event.key === 'Enter' && !event.shiftKey && !event.nativeEvent.isComposing) {
      event.preventDefault();
      void send();
    }
  };

  return (
    <form className="composer" onSubmit={submit}>
      <label htmlFor={`${id}-to`} className="visually-hidden">
        Send to
      </label>
      <select id={`${id}-to`} value={target} onChange={(e) => setTarget(e.target.value)} data-testid="send-to">
        <option value="">Everyone in the room</option>
        {others.map((p) => (
          <option key={p.userId} value={p.userId}>
            Only {p.name} (private)
          </option>
        ))}
      </select>
      <label htmlFor={`${id}-text`} className="visually-hidden">
        Message
      </label>
      <textarea
        id={`${id}-text`}
        value={text}
        rows={2}
        placeholder="Write a message…"
        maxLength={10_000}
        onChange={(e) => {
          setText(e.target.value);
          if (e.target.value) chat.keystroke(room.id);
        }}
        onKeyDown={onKeyDown}
        data-testid="composer"
      />
      <button type="submit" className="primary" disabled={sending || !text.trim()}>
        Send
      </button>
      {error && (
        <p className="alert error" role="alert">
          {error}
        </p>
      )}
    </form>
  );
}
