import { createClient, type SwitchboardClient, webCursorStorage } from '@switchboard/client';
import type { Session } from '../session/session.ts';
import { Store } from '../ui/store.ts';

export type ConnectionState =
  | { state: 'connecting' }
  | { state: 'online'; serverId: string; synced: boolean; reconnects: number }
  | { state: 'reconnecting'; reason: string; reconnects: number }
  | { state: 'refused'; message: string };

/**
 * The page's one SDK client for the signed-in user, and what the connection is doing, for the
 * banner. Cursors live in localStorage per user, so a reload resumes every room where it stopped.
 */
export class Connection {
  readonly client: SwitchboardClient;
  readonly status = new Store<ConnectionState>({ state: 'connecting' });
  private reconnects = 0;
  private everConnected = false;

  constructor(
    readonly session: Session,
    url = window.location.origin,
  ) {
    this.client = createClient({
      url,
      getToken: () => session.token,
      storage: webCursorStorage(window.localStorage, `switchboard.cursors.${session.userId}`),
    });
    this.client.on('connected', ({ serverId }) => {
      if (this.everConnected) this.reconnects++;
      this.everConnected = true;
      this.status.update(() => ({ state: 'online', serverId, synced: false, reconnects: this.reconnects }));
      void this.client.synced().then(() => {
        this.status.update((s) => (s.state === 'online' && s.serverId === serverId ? { ...s, synced: true } : s));
      });
    });
    this.client.on('server:shutdown', ({ serverId }) => {
      this.status.update(() => ({
        state: 'reconnecting',
        reason: `${serverId} is restarting`,
        reconnects: this.reconnects,
      }));
    });
    this.client.socket.on('disconnect', (reason) => {
      this.status.update((s) =>
        s.state === 'refused' ? s : { state: 'reconnecting', reason: describe(reason), reconnects: this.reconnects },
      );
    });
    this.client.socket.on('connect_error', (error) => {
      // A refused handshake is final (socket.io does not retry it); anything else is retried.
      if (!this.client.socket.active) this.status.update(() => ({ state: 'refused', message: error.message }));
      else
        this.status.update((s) =>
          s.state === 'online'
            ? s
            : { state: 'reconnecting', reason: 'the server cannot be reached', reconnects: this.reconnects },
        );
    });
  }

  close(): void {
    this.client.close();
  }
}

function describe(reason: string): string {
  if (reason === 'io server disconnect') return 'the server closed the connection';
  if (reason === 'transport close' || reason === 'transport error') return 'the connection dropped';
  if (reason === 'ping timeout') return 'the server stopped answering';
  return reason;
}
