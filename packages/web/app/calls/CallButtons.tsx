import { useState } from 'react';
import { useServices } from '../shell/services.tsx';
import { useStore } from '../ui/store.ts';
import type { CallType } from './call-state.ts';

const KINDS: { callType: CallType; label: string }[] = [
  { callType: 'audio', label: 'Audio' },
  { callType: 'video', label: 'Video' },
];

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
      {KINDS.map(({ callType, label }) => (
        <button
          key={callType}
          type="button"
          className="small"
          disabled={busy}
          onClick={() => start(callType)}
          aria-label={`${label} call ${name}`}
        >
          {label}
        </button>
      ))}
      {error && (
        <span className="error-text small" role="alert">
          {error}
        </span>
      )}
    </span>
  );
}
