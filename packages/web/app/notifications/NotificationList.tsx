import { useServices } from '../shell/services.tsx';
import { useStore } from '../ui/store.ts';

/** The notifications, newest first, with "mark read", "mark all read" and older pages. */
export function NotificationList({ id }: { id: string }) {
  const { notifications } = useServices();
  const { items, hasMore, loaded, loading, error, unread } = useStore(notifications.store, (s) => s);

  return (
    <section id={id} className="notification-panel card" aria-labelledby={`${id}-title`} data-testid="notifications">
      <div className="panel-head">
        <h2 id={`${id}-title`}>Notifications</h2>
        <button type="button" onClick={() => void notifications.readAll()} disabled={unread === 0}>
          Mark all read
        </button>
      </div>
      {error && (
        <p className="alert error" role="alert">
          {error}
        </p>
      )}
      {loaded && items.length === 0 && <p className="muted">Nothing yet.</p>}
      <ul>
        {items.map((n) => (
          <li
            key={n.id}
            className={`notification ${n.readAt ? 'read' : 'unread'} priority-${n.priority}`}
            data-testid="notification"
            data-read={n.readAt ? 'true' : 'false'}
          >
            <div>
              <strong>{n.title}</strong>
              {n.priority !== 'normal' && <span className="tag">{n.priority}</span>}
              {!n.readAt && <span className="visually-hidden"> (unread)</span>}
            </div>
            {n.body && <p>{n.body}</p>}
            <div className="muted small">
              <time dateTime={n.createdAt}>{new Date(n.createdAt).toLocaleString()}</time>
              {!n.readAt && (
                <>
                  {' · '}
                  <button
                    type="button"
                    className="link"
                    onClick={() => void notifications.read(n.id)}
                    aria-label={`Mark read: ${n.title}`}
                  >
                    Mark read
                  </button>
                </>
              )}
            </div>
          </li>
        ))}
      </ul>
      {hasMore && (
        <button type="button" onClick={() => void notifications.loadMore()} disabled={loading}>
          Older notifications
        </button>
      )}
      {loading && <p className="muted small">Loading…</p>}
    </section>
  );
}
