import { useId, useState } from 'react';
import { useServices } from '../shell/services.tsx';
import { useStore } from '../ui/store.ts';
import { SETTABLE, type SettableStatus } from './presence-controller.ts';
import { statusLabel } from './status.ts';

/** Set my status (on every device of mine); the select shows what the server last said. */
export function MyStatus() {
  const { session, presence } = useServices();
  const id = useId();
  const mine = useStore(presence.store, (s) => s[session.userId]);
  const [error, setError] = useState<string | undefined>();
  const current = mine && mine.status !== 'offline' ? mine.status : 'online';

  const change = async (status: SettableStatus) => {
    setError(undefined);
    try {
      await presence.setStatus(status);
    } catch (e) {
      setError((e as Error).message);
    }
  };

  return (
    <span className="my-status">
      <label htmlFor={id}>My status</label>
      <select
        id={id}
        value={current}
        onChange={(e) => void change(e.target.value as SettableStatus)}
        data-testid="my-status"
      >
        {SETTABLE.map((s) => (
          <option key={s} value={s}>
            {statusLabel(s)}
          </option>
        ))}
      </select>
      {error && (
        <span className="error-text" role="alert">
          {error}
        </span>
      )}
    </span>
  );
}
