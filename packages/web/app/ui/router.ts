import { type MouseEvent, useSyncExternalStore } from 'react';

export type Route =
  | { view: 'chat'; roomId?: string }
  | { view: 'map'; roomId: string }
  | { view: 'ops' }
  | { view: 'calls' }
  | { view: 'missing'; path: string };

/** The app's client-side routes; nginx and the embedded server answer every one with index.html. */
export function parseRoute(pathname: string): Route {
  if (pathname === '/' || pathname === '') return { view: 'chat' };
  if (pathname === '/ops') return { view: 'ops' };
  if (pathname === '/calls') return { view: 'calls' };
  const room = /^\/rooms\/([^/]+)(\/map)?$/.exec(pathname);
  if (room) {
    const roomId = decodeURIComponent(room[1]!);
    return room[2] ? { view: 'map', roomId } : { view: 'chat', roomId };
  }
  return { view: 'missing', path: pathname };
}

export const paths = {
  chat: () => '/',
  room: (roomId: string) => `/rooms/${encodeURIComponent(roomId)}`,
  map: (roomId: string) => `/rooms/${encodeURIComponent(roomId)}/map`,
  ops: () => '/ops',
  calls: () => '/calls',
};

const listeners = new Set<() => void>();
window.addEventListener('popstate', () => {
  for (const l of listeners) l();
});

export function navigate(path: string): void {
  if (path === window.location.pathname) return;
  window.history.pushState(null, '', path);
  for (const l of listeners) l();
}

export function usePath(): string {
  return useSyncExternalStore(
    (listener) => {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
    () => window.location.pathname,
  );
}

/** onClick for an <a href>: client-side navigation, but a modified click still opens a new tab. */
export function linkTo(path: string) {
  return (event: MouseEvent<HTMLAnchorElement>) => {
    if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    event.preventDefault();
    navigate(path);
  };
}
