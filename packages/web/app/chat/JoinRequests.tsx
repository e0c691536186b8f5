import { useState } from 'react';
import { useServices } from '../shell/services.tsx';
import type { RoomState } from './chat-state.ts';

/** People asking to join a room this user owns (or administers): approve or deny each. */
export function JoinRequests({ room }: { room: RoomState }) {
  const { chat } = useServices();
  const [error, setError] = useState<string | undefined>();
  if (room.joinRequests.length === 0) return null;

  const decide = async (userId: string, approve: boolean) => {
    setError(undefined);
    try {
      await chat.decide(room.id, userId, approve);
    } catch (e) {
      setError((e as Error).message);
    }
  };

  return (
    <section className="join-requests" aria-labelledby="join-requests-title">
      <h2 id="join-requests-title">Asking to join</h2>
      <ul>
        {room.joinRequests.map((q) => (
          <li key={q.userId} data-user={q.userId}>
            <span>
              {q.name} <span className="muted">({q.userId})</span>
            </span>
            <button type="button" className="primary" onClick={() => void decide(q.userId, true)}>
              Approve {q.name}
            </button>
            <button type="button" onClick={() => void decide(q.userId, false)}>
              Deny {q.name}
            </button>
          </li>
        ))}
      </ul>
      {error && (
        <p className="alert error" role="alert">
          {error}
        </p>
      )}
    </section>
  );
}
