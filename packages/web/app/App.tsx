import { useCallback, useState } from 'react';
import { SignIn } from './session/SignIn.tsx';
import { clearSession, loadSession, type Session, saveSession } from './session/session.ts';
import { ServicesProvider } from './shell/services.tsx';
import { Workspace } from './shell/Workspace.tsx';

export function App() {
  const [session, setSession] = useState<Session | undefined>(() => loadSession());
  const [refusal, setRefusal] = useState<string | undefined>();

  const signIn = useCallback((next: Session) => {
    saveSession(next);
    setRefusal(undefined);
    setSession(next);
  }, []);
  const signOut = useCallback((reason?: string) => {
    clearSession();
    setRefusal(reason);
    setSession(undefined);
  }, []);

  if (!session) return <SignIn onSignedIn={signIn} refusal={refusal} />;
  return (
    <ServicesProvider session={session}>
      <Workspace onSignOut={signOut} />
    </ServicesProvider>
  );
}
