import { useServices } from '../shell/services.tsx';
import { useStore } from '../ui/store.ts';

/** What the connection is doing; after a reconnect it says once that missed messages were fetched. */
export function ConnectionBanner() {
  const { connection } = useServices();
  const status = useStore(connection.status, (s) => s);
  if (status.state === 'connecting')
    return (
      <p className="banner info" role="status" data-testid="connection">
        Connecting…
      </p>
    );
  if (status.state === 'reconnecting') {
    return (
      <p className="banner warn" role="status" data-testid="connection" data-state="reconnecting">
        Reconnecting: {status.reason}. Messages sent meanwhile will appear when the connection is back.
      </p>
    );
  }
  if (status.state === 'refused')
    return (
      <p className="banner error" role="alert" data-testid="connection">
        {status.message}
      </p>
    );
  return (
    <p
      className="banner ok"
      role="status"
      data-testid="connection"
      data-state={status.synced ? 'online' : 'syncing'}
      data-server={status.serverId}
      data-reconnects={status.reconnects}
    >
      {status.synced ? 'Online' : 'Catching up…'} · {status.serverId}
      {status.reconnects > 0 && status.synced && (
        <> · reconnected {status.reconnects === 1 ? 'once' : `${status.reconnects} times`}, missed messages fetched</>
      )}
    </p>
  );
}
