// Who is signed in. Asks `me` at start; `login` and `logout` replace the API
// connection (fresh cache, fresh socket carrying the new cookie). When a
// request is refused as "Not authorized" while signed in, `me` is asked again
// and an anonymous answer ends the session with a "session expired" notice.
import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { Provider } from 'urql';
import { graphql } from '../gql/index.ts';
import type { ViewerKind } from '../gql/graphql.ts';
import { connectApi, errorText, type ApiConnection } from './client.ts';

const MeDocument = graphql(`
  query Me {
    me {
      kind
      login
    }
  }
`);

const LoginDocument = graphql(`
  mutation Login($login: String!, $password: String!) {
    login(login: $login, password: $password) {
      viewer {
        kind
        login
      }
      problem {
        code
        message
      }
    }
  }
`);

const LogoutDocument = graphql(`
  mutation Logout {
    logout
  }
`);

export interface Viewer {
  kind: Exclude<ViewerKind, 'anonymous'>;
  login: string | null;
}

interface Session {
  /** undefined while the first `me` is on its way; null when nobody is signed in. */
  viewer: Viewer | null | undefined;
  isSessionExpired: boolean;
  /** Null on success, else the problem to show. */
  logIn(login: string, password: string): Promise<{ code: string; message: string } | null>;
  logOut(): Promise<void>;
  /** Admin or read token: may see everything. */
  canRead: boolean;
  canAdmin: boolean;
  /** Admin or mail user: may act on (their) queue. */
  canAct: boolean;
}

const SessionContext = createContext<Session | null>(null);

function asViewer(me: { kind: ViewerKind; login?: string | null } | null | undefined): Viewer | null {
  return me && me.kind !== 'anonymous' ? { kind: me.kind, login: me.login ?? null } : null;
}

export function SessionProvider({ children }: { children: ReactNode }) {
  const [viewer, setViewer] = useState<Viewer | null | undefined>(undefined);
  const [isSessionExpired, setSessionExpired] = useState(false);
  const viewerRef = useRef(viewer);
  viewerRef.current = viewer;
  const isChecking = useRef(false);
  const connectionRef = useRef<ApiConnection | null>(null);
  // Lazy sockets: a connection nobody subscribes through opens nothing, so creating one is free.
  const [connection, setConnection] = useState<ApiConnection>(() => connectApi({ onNotAuthorized: () => void recheck() }));
  connectionRef.current = connection;

  /** Drops the current connection (socket and cache) for a new one. */
  const makeConnection = useCallback((): ApiConnection => {
    connectionRef.current?.dispose();
    const next = connectApi({ onNotAuthorized: () => void recheck() });
    connectionRef.current = next;
    return next;
    // recheck (declared below) reads only refs and stable setters.
  }, []);

  async function recheck(): Promise<void> {
    if (!viewerRef.current || isChecking.current || !connectionRef.current) return;
    isChecking.current = true;
    try {
      const result = await connectionRef.current.client.query(MeDocument, {}, { requestPolicy: 'network-only' }).toPromise();
      // A mail user refused an admin-only field is still signed in: only an anonymous `me` ends the session.
      // viewerRef is checked again: a logout may have ended the session meanwhile.
      if (result.data && !asViewer(result.data.me) && viewerRef.current) {
        setViewer(null);
        setSessionExpired(true);
        setConnection(makeConnection());
      }
    } finally {
      isChecking.current = false;
    }
  }

  useEffect(() => {
    let isCurrent = true;
    void connection.client
      .query(MeDocument, {}, { requestPolicy: 'network-only' })
      .toPromise()
      .then((result) => {
        if (!isCurrent) return;
        if (result.error) console.warn('relais: me failed', errorText(result.error));
        setViewer((previous) => (previous === undefined ? asViewer(result.data?.me) : previous));
      });
    return () => {
      isCurrent = false;
    };
    // Only at start: later connections follow a login or logout that already knows the viewer.
  }, []);

  const logIn = useCallback<Session['logIn']>(
    async (login, password) => {
      const result = await connection.client.mutation(LoginDocument, { login, password }).toPromise();
      if (result.error) return { code: 'NETWORK', message: errorText(result.error) };
      const payload = result.data?.login;
      if (payload?.problem) return payload.problem;
      const signedIn = asViewer(payload?.viewer);
      if (!signedIn) return { code: 'FORBIDDEN', message: '' };
      setConnection(makeConnection());
      setSessionExpired(false);
      setViewer(signedIn);
      return null;
    },
    [connection, makeConnection],
  );

  const logOut = useCallback(async () => {
    const result = await connection.client.mutation(LogoutDocument, {}).toPromise();
    if (result.error) console.warn('relais: logout failed', errorText(result.error));
    setConnection(makeConnection());
    setSessionExpired(false);
    setViewer(null);
  }, [connection, makeConnection]);

  const value = useMemo<Session>(
    () => ({
      viewer,
      isSessionExpired,
      logIn,
      logOut,
      canRead: viewer?.kind === 'admin' || viewer?.kind === 'reader',
      canAdmin: viewer?.kind === 'admin',
      canAct: viewer?.kind === 'admin' || viewer?.kind === 'user',
    }),
    [viewer, isSessionExpired, logIn, logOut],
  );
  return (
    <SessionContext.Provider value={value}>
      <Provider value={connection.client}>{children}</Provider>
    </SessionContext.Provider>
  );
}

export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession outside SessionProvider');
  return session;
}
