import { useState } from 'react';
import { useServices } from '../shell/services.tsx';
import { useStore } from '../ui/store.ts';
import type { CallType } from './call-state.ts';

/** "Audio" / "Video" beside a room mate: call them (the server checks that we share the room). */
export function CallButtons({ userId, name, roomId }: { userId: string; name: string; roomId: string }) {
  const { calls } = useServices();
  const busy = useStore(calls.store, (s) => s.current !== undefined);
  const [error, setError] = useState<string | undefined>();
  const start = (callType: CallType) => {
    setError(undefined);
    calls.call(userId, callType, roomId).catch((e: Error) => setError(e.message));
  };
  return (
    <span className="call-buttons">
      <button
        type="button"
        className="small"
        disabled={busy}
        onClick={() => start('audio')}
        aria-label={`Audio call ${name}`}
      >
        Audio
      </button>
      <button
        type="button"
        className="small"
        disabled={busy}
        onClick={() => start('video')}
        aria-label={`Video call ${name}`}
      >
        Video
      </button>
      {error && (
        <span className="error-text small" role="alert">
          {error}
        </span>
      )}
    </span>
  );
}
