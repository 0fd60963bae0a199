import type { ReactNode } from 'react';
import { Loading, QueryError } from '../shared/states';
import { LoginPage } from './LoginPage';
import { SessionContext, useSessionQuery } from './session';

/** GET /api/auth/session decides: the console, or the login page. */
export function AuthGate({ children }: { children: ReactNode }) {
  const session = useSessionQuery();
  if (session.isPending) return <Loading testId="session-loading" />;
  if (session.isError) {
    return (
      <div style={{ maxWidth: 480, margin: '4rem auto', paddingInline: '1rem' }}>
        <QueryError error={session.error} onRetry={() => void session.refetch()} />
      </div>
    );
  }
  if (!session.data) return <LoginPage />;
  return <SessionContext.Provider value={session.data}>{children}</SessionContext.Provider>;
}
