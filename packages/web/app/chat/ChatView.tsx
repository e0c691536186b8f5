import { type ReactNode, useEffect } from 'react';
import { PeoplePanel } from '../presence/PeoplePanel.tsx';
import { useServices } from '../shell/services.tsx';
import { linkTo, paths } from '../ui/router.ts';
import { useStore } from '../ui/store.ts';
import { Composer } from './Composer.tsx';
import { roomTitle } from './chat-state.ts';
import { JoinRequests } from './JoinRequests.tsx';
import { MessageList } from './MessageList.tsx';
import { RoomSidebar } from './RoomSidebar.tsx';

/** Rooms on the left, the open room in the middle (messages or its map), its people on the right. */
export function ChatView({
  roomId,
  tab = 'messages',
  mapView,
}: {
  roomId?: string;
  tab?: 'messages' | 'map';
  mapView?: ReactNode;
}) {
  const { chat, session } = useServices();
  const room = useStore(chat.store, (s) => (roomId ? s.rooms[roomId] : undefined));
  const names = useStore(chat.store, (s) => s.names);

  useEffect(() => {
    chat.open(roomId);
    return () => chat.open(undefined);
  }, [chat, roomId]);

  return (
    <div className="chat-layout">
      <RoomSidebar activeRoomId={roomId} />
      <main id="main" className="room" aria-labelledby={room ? 'room-title' : undefined}>
        {!roomId && (
          <div className="empty">
            <h1>Welcome, {session.name}</h1>
            <p>Pick a room on the left, create one, or join one by its id.</p>
          </div>
        )}
        {roomId && !room && (
          <div className="empty">
            <h1>Room not available</h1>
            <p>You are not in this room. Ask to join it with its id on the left.</p>
          </div>
        )}
        {roomId && room && (
          <>
            <header className="room-header">
              <h1 id="room-title">{roomTitle(room, names, session.userId)}</h1>
              <span className="muted small">
                {room.meta?.type ?? 'room'} ·{' '}
                <span className="room-id" title="Share this id so others can ask to join">
                  id <code>{room.id}</code>
                </span>
              </span>
              <nav className="tabs" aria-label="Room views">
                <a
                  href={paths.room(room.id)}
                  onClick={linkTo(paths.room(room.id))}
                  aria-current={tab === 'messages' ? 'page' : undefined}
                >
                  Messages
                </a>
                <a
                  href={paths.map(room.id)}
                  onClick={linkTo(paths.map(room.id))}
                  aria-current={tab === 'map' ? 'page' : undefined}
                >
                  Map
                </a>
              </nav>
            </header>
            <JoinRequests room={room} />
            {tab === 'messages' ? (
              <>
                <MessageList room={room} />
                <Composer room={room} />
              </>
            ) : (
              mapView
            )}
          </>
        )}
      </main>
      {room && <PeoplePanel participants={room.participants} roomId={room.id} />}
    </div>
  );
}
