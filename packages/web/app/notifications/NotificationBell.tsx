import { useEffect, useRef, useState } from 'react';
import { useServices } from '../shell/services.tsx';
import { useStore } from '../ui/store.ts';
import { NotificationList } from './NotificationList.tsx';

/** The top bar's bell: the unread badge (live on every tab), the list in a panel below it. */
export function NotificationBell() {
  const { notifications } = useServices();
  const unread = useStore(notifications.store, (s) => s.unread);
  const [open, setOpen] = useState(false);
  const wrapper = useRef<HTMLDivElement>(null);

  useEffect(() => {
    if (!open) return;
    void notifications.reload();
    // Escape or a click elsewhere closes the panel, as any disclosure does.
    const onKey = (e: KeyboardEvent) => e.key === 'Escape' && setOpen(false);
    const onClick = (e: MouseEvent) => {
      if (wrapper.current && !wrapper.current.contains(e.target as Node)) setOpen(false);
    };
    document.addEventListener('keydown', onKey);
    document.addEventListener('mousedown', onClick);
    return () => {
      document.removeEventListener('keydown', onKey);
      document.removeEventListener('mousedown', onClick);
    };
  }, [open, notifications]);

  return (
    <div className="bell" ref={wrapper}>
      <button
        type="button"
        aria-expanded={open}
        aria-controls="notification-panel"
        onClick={() => setOpen((o) => !o)}
        data-testid="bell"
        data-unread={unread}
      >
        <span aria-hidden="true">🔔</span> Notifications
        {unread > 0 && (
          <span className="badge" data-testid="bell-badge">
            {unread}
            <span className="visually-hidden"> unread</span>
          </span>
        )}
      </button>
      {open && <NotificationList id="notification-panel" />}
    </div>
  );
}
