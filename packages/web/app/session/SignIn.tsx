import { type FormEvent, useEffect, useId, useState } from 'react';
import { type DevSignInStatus, devSignIn, devSignInStatus } from './dev-sign-in.ts';
import { type Session, sessionFromToken } from './session.ts';

export function SignIn({ onSignedIn, refusal }: { onSignedIn: (session: Session) => void; refusal?: string }) {
  const [status, setStatus] = useState<DevSignInStatus | undefined>();
  useEffect(() => {
    void devSignInStatus().then(setStatus);
  }, []);

  return (
    <main className="sign-in" id="main">
      <h1>Switchboard</h1>
      <p className="lede">Chat, presence and live location on your Switchboard server.</p>
      {refusal && (
        <p className="alert error" role="alert">
          The server refused the last token: {refusal}
        </p>
      )}
      <div className="sign-in-forms">
        <DevSignInForm status={status} onSignedIn={onSignedIn} />
        <TokenForm onSignedIn={onSignedIn} />
      </div>
    </main>
  );
}

function DevSignInForm({ status, onSignedIn }: { status?: DevSignInStatus; onSignedIn: (s: Session) => void }) {
  const id = useId();
  const [name, setName] = useState('');
  const [role, setRole] = useState('user');
  const [phone, setPhone] = useState('');
  const [error, setError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      const token = await devSignIn({
        name,
        role: role.trim() || 'user',
        ...(phone.trim() ? { phone: phone.trim() } : {}),
      });
      onSignedIn(sessionFromToken(token));
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="card" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>Sign in as…</h2>
      {status === undefined && <p>Asking the server whether dev sign-in is on…</p>}
      {status && !status.available && (
        <p className="alert" role="status" data-testid="dev-sign-in-refused">
          {status.reason}
        </p>
      )}
      {status?.available && (
        <form onSubmit={(e) => void submit(e)}>
          <p className="hint">
            This server runs on the public dev secret, so anyone may be anyone. Never use it for real people.
          </p>
          <label htmlFor={`${id}-name`}>Name</label>
          <input
            id={`${id}-name`}
            value={name}
            onChange={(e) => setName(e.target.value)}
            required
            maxLength={200}
            autoComplete="off"
          />
          <label htmlFor={`${id}-role`}>Role</label>
          <select id={`${id}-role`} value={role} onChange={(e) => setRole(e.target.value)}>
            <option value="user">user</option>
            <option value="supervisor">supervisor</option>
            <option value="admin">admin</option>
          </select>
          <label htmlFor={`${id}-phone`}>Phone (optional, matches emergency contacts)</label>
          <input
            id={`${id}-phone`}
            value={phone}
            onChange={(e) => setPhone(e.target.value)}
            inputMode="tel"
            placeholder="+15550102030"
            autoComplete="off"
          />
          {error && (
            <p className="alert error" role="alert">
              {error}
            </p>
          )}
          <button type="submit" className="primary" disabled={busy || !name.trim()}>
            Sign in
          </button>
        </form>
      )}
    </section>
  );
}

function TokenForm({ onSignedIn }: { onSignedIn: (s: Session) => void }) {
  const id = useId();
  const [token, setToken] = useState('');
  const [error, setError] = useState<string | undefined>();
  const submit = (event: FormEvent) => {
    event.preventDefault();
    try {
      onSignedIn(sessionFromToken(token));
    } catch (e) {
      setError((e as Error).message);
    }
  };
  return (
    <section className="card" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>Paste a token</h2>
      <form onSubmit={submit}>
        <label htmlFor={`${id}-token`}>JWT</label>
        <textarea
          id={`${id}-token`}
          value={token}
          onChange={(e) => setToken(e.target.value)}
          rows={5}
          spellCheck={false}
          required
        />
        <p className="hint">
          Mint one with <code>npm run token -- alice --name Alice</code> (with the server's <code>JWT_SECRET</code>).
        </p>
        {error && (
          <p className="alert error" role="alert">
            {error}
          </p>
        )}
        <button type="submit" className="primary" disabled={!token.trim()}>
          Use this token
        </button>
      </form>
    </section>
  );
}
