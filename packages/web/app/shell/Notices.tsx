import { useStore } from '../ui/store.ts';
import { useServices } from './services.tsx';

/** Short-lived messages (someone asks to join, a request was denied), announced politely. */
export function Notices() {
  const { chat } = useServices();
  const notices = useStore(chat.store, (s) => s.notices);
  return (
    <div className="notices" role="status" aria-live="polite">
      {notices.map((n) => (
        <p key={n.id} className={`notice ${n.tone}`}>
          {n.text}
          <button type="button" className="link" onClick={() => chat.dismiss(n.id)} aria-label={`Dismiss: ${n.text}`}>
            ×
          </button>
        </p>
      ))}
    </div>
  );
}
