import { lazy, Suspense, useEffect } from 'react';
import { IncomingCalls } from '../calls/IncomingCalls.tsx';
import { ChatView } from '../chat/ChatView.tsx';
import { ConnectionBanner } from '../connection/ConnectionBanner.tsx';
import { AlertBanner } from '../emergencies/AlertBanner.tsx';
import { SosButton } from '../emergencies/SosButton.tsx';
import { NotificationBell } from '../notifications/NotificationBell.tsx';
import { MyStatus } from '../presence/MyStatus.tsx';
import { linkTo, parseRoute, paths, usePath } from '../ui/router.ts';
import { useStore } from '../ui/store.ts';
import { Notices } from './Notices.tsx';
import { useServices } from './services.tsx';

// Code-split: the map, the operator view, the call log and the call (with WebRTC) load when first opened.
const MapView = lazy(() => import('../map/MapView.tsx'));
const OpsView = lazy(() => import('../ops/OpsView.tsx'));
const CallView = lazy(() => import('../calls/CallView.tsx'));
const CallLogView = lazy(() => import('../calls/CallLogView.tsx'));

export function Workspace({ onSignOut }: { onSignOut: (reason?: string) => void }) {
  const { session, connection, calls } = useServices();
  const route = parseRoute(usePath());
  const status = useStore(connection.status, (s) => s);
  const inCall = useStore(calls.store, (s) => s.current !== undefined);

  useEffect(() => {
    if (status.state === 'refused') onSignOut(status.message);
  }, [status, onSignOut]);

  const isAdmin = session.role === 'admin';
  const current = route.view === 'ops' || route.view === 'calls' ? route.view : 'chat';
  return (
    <div className="workspace">
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="top-bar">
        <span className="brand">Switchboard</span>
        <nav aria-label="Main">
          <a href={paths.chat()} onClick={linkTo(paths.chat())} aria-current={current === 'chat' ? 'page' : undefined}>
            Chat
          </a>
          <a
            href={paths.calls()}
            onClick={linkTo(paths.calls())}
            aria-current={current === 'calls' ? 'page' : undefined}
          >
            Calls
          </a>
          {isAdmin && (
            <a href={paths.ops()} onClick={linkTo(paths.ops())} aria-current={current === 'ops' ? 'page' : undefined}>
              Operations
            </a>
          )}
        </nav>
        <SosButton />
        <NotificationBell />
        <MyStatus />
        <span className="me" data-testid="me">
          {session.name} <span className="muted">({session.role})</span>
        </span>
        <button type="button" onClick={() => onSignOut()}>
          Sign out
        </button>
      </header>
      <ConnectionBanner />
      <AlertBanner />
      <IncomingCalls />
      {inCall && (
        <Suspense fallback={<p className="banner info">Starting the call…</p>}>
          <CallView />
        </Suspense>
      )}
      <Notices />
      <Suspense
        fallback={
          <main id="main" className="loading">
            Loading…
          </main>
        }
      >
        {route.view === 'chat' && <ChatView roomId={route.roomId} />}
        {route.view === 'map' && (
          <ChatView roomId={route.roomId} tab="map" mapView={<MapView roomId={route.roomId} />} />
        )}
        {route.view === 'calls' && <CallLogView />}
        {route.view === 'ops' &&
          (isAdmin ? (
            <OpsView />
          ) : (
            <main id="main" className="empty">
              <h1>Operations</h1>
              <p>
                The operator view is for the <code>admin</code> role; you are signed in as <code>{session.role}</code>.
              </p>
            </main>
          ))}
        {route.view === 'missing' && (
          <main id="main" className="empty">
            <h1>Page not found</h1>
            <p>
              Nothing lives at <code>{route.path}</code>.{' '}
              <a href="/" onClick={linkTo('/')}>
                Back to chat
              </a>
              .
            </p>
          </main>
        )}
      </Suspense>
    </div>
  );
}
