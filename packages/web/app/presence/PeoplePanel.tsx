import type { Participant } from '@switchboard/protocol';
import { useEffect, useState } from 'react';
import { CallButtons } from '../calls/CallButtons.tsx';
import { useServices } from '../shell/services.tsx';
import { useStore } from '../ui/store.ts';
import { statusLabel, timeAgo } from './status.ts';

/** Who is in this room and whether they are online, away, busy or in a call, with last seen. */
export function PeoplePanel({ participants, roomId }: { participants: Participant[]; roomId: string }) {
  const { presence, session } = useServices();
  const presences = useStore(presence.store, (s) => s);
  // Re-render every 30 s so "last seen" stays true.
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 30_000);
    return () => clearInterval(timer);
  }, []);

  return (
    <aside className="people" aria-labelledby="people-title">
      <h2 id="people-title">People</h2>
      <ul data-testid="people">
        {participants.map((p) => {
          const info = presences[p.userId];
          const status = info?.status ?? (p.online ? 'online' : 'offline');
          return (
            <li key={p.userId} data-user={p.userId} data-status={status}>
              <span className={`dot ${status}`} aria-hidden="true" />
              <span className="person">
                <span className="name">
                  {p.name}
                  {p.userId === session.userId && ' (you)'}
                  {p.role === 'owner' && <span className="tag">owner</span>}
                </span>
                <span className="muted small">
                  {statusLabel(status)}
                  {info?.customStatus && ` · ${info.customStatus}`}
                  {status !== 'online' && info?.lastSeen && ` · last seen ${timeAgo(info.lastSeen, now)}`}
                </span>
                {p.userId !== session.userId && status !== 'offline' && (
                  <CallButtons userId={p.userId} name={p.name} roomId={roomId} />
                )}
              </span>
            </li>
          );
        })}
      </ul>
    </aside>
  );
}
