import { type FormEvent, useId, useState } from 'react';
import { useServices } from '../shell/services.tsx';
import { linkTo, navigate, paths } from '../ui/router.ts';
import { useStore } from '../ui/store.ts';
import { CreateRoomForm } from './CreateRoomForm.tsx';
import { lastActivity, roomTitle } from './chat-state.ts';

export function RoomSidebar({ activeRoomId }: { activeRoomId?: string }) {
  const { chat, session } = useServices();
  const rooms = useStore(chat.store, (s) => s.rooms);
  const names = useStore(chat.store, (s) => s.names);
  const pending = useStore(chat.store, (s) => s.pendingJoins);
  const [creating, setCreating] = useState(false);
  const sorted = Object.values(rooms).sort((a, b) => lastActivity(b).localeCompare(lastActivity(a)));

  return (
    <aside className="rooms" aria-labelledby="rooms-title">
      <div className="rooms-head">
        <h2 id="rooms-title">Rooms</h2>
        <button
          type="button"
          onClick={() => setCreating((c) => !c)}
          aria-expanded={creating}
          aria-controls="create-room"
        >
          {creating ? 'Cancel' : 'New room'}
        </button>
      </div>
      {creating && (
        <CreateRoomForm
          onCreated={(roomId) => {
            setCreating(false);
            navigate(paths.room(roomId));
          }}
        />
      )}
      {sorted.length === 0 && <p className="muted">No rooms yet.</p>}
      <ul className="room-list" data-testid="room-list">
        {sorted.map((room) => {
          const title = roomTitle(room, names, session.userId);
          return (
            <li key={room.id}>
              <a
                href={paths.room(room.id)}
                onClick={linkTo(paths.room(room.id))}
                aria-current={room.id === activeRoomId ? 'page' : undefined}
                data-room={room.id}
              >
                <span className="room-name">{title}</span>
                {room.unread > 0 && (
                  <span className="badge" data-testid="unread">
                    {room.unread}
                    <span className="visually-hidden"> unread</span>
                  </span>
                )}
              </a>
            </li>
          );
        })}
      </ul>
      <JoinRoomForm />
      {pending.length > 0 && (
        <p className="muted small" data-testid="pending-joins">
          Waiting for approval:{' '}
          {pending.map((id) => (
            <code key={id}>{id} </code>
          ))}
        </p>
      )}
    </aside>
  );
}

function JoinRoomForm() {
  const { chat } = useServices();
  const id = useId();
  const [roomId, setRoomId] = useState('');
  const [message, setMessage] = useState<{ text: string; error: boolean } | undefined>();

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const target = roomId.trim();
    setMessage(undefined);
    try {
      const outcome = await chat.join(target);
      setRoomId('');
      if (outcome === 'joined') navigate(paths.room(target));
      else setMessage({ text: 'Asked the owner to let you in.', error: false });
    } catch (e) {
      setMessage({ text: (e as Error).message, error: true });
    }
  };

  return (
    <form className="join-room" onSubmit={(e) => void submit(e)}>
      <label htmlFor={id}>Join a room by id</label>
      <div className="row">
        <input id={id} value={roomId} onChange={(e) => setRoomId(e.target.value)} required autoComplete="off" />
        <button type="submit" disabled={!roomId.trim()}>
          Join
        </button>
      </div>
      {message && (
        <p className={message.error ? 'alert error' : 'hint'} role={message.error ? 'alert' : 'status'}>
          {message.text}
        </p>
      )}
    </form>
  );
}
