// The live alert feed for the whole app: one `alerts` subscription while an
// admin or reader is signed in. Pages read `version` to refetch their lists;
// a spike alert also raises a toast (role="status") until dismissed.
import { createContext, useContext, useEffect, useState, type ReactNode } from 'react';
import { useClient } from 'urql';
import { useSession } from '../api/session.tsx';
import { graphql } from '../gql/index.ts';
import type { AlertFeedSubscription } from '../gql/graphql.ts';
import { useI18n } from '../i18n/index.tsx';
import { Link, ROUTE_PATHS } from '../router.tsx';

const AlertFeedDocument = graphql(`
  subscription AlertFeed {
    alerts {
      alertId
      kind
      subject
      at
    }
  }
`);

type AlertEvent = AlertFeedSubscription['alerts'];

interface AlertFeed {
  /** Grows by one per alert raised since the page opened. */
  version: number;
}

const AlertFeedContext = createContext<AlertFeed>({ version: 0 });

const MAX_TOASTS = 5;

export function AlertFeedProvider({ children }: { children: ReactNode }) {
  const client = useClient();
  const { canRead } = useSession();
  const [version, setVersion] = useState(0);
  const [toasts, setToasts] = useState<AlertEvent[]>([]);

  useEffect(() => {
    if (!canRead) return;
    // Every event counts (two alerts in one tick must not merge), so the source is read directly.
    const subscription = client.subscription(AlertFeedDocument, {}).subscribe((result) => {
      const event = result.data?.alerts;
      if (!event) return;
      setVersion((v) => v + 1);
      // The same alert announced twice (two nodes, a reconnect) shows once.
      if (event.kind === 'spike') setToasts((list) => (list.some((a) => a.alertId === event.alertId) ? list : [...list, event].slice(-MAX_TOASTS)));
    });
    return () => subscription.unsubscribe();
  }, [client, canRead]);

  useEffect(() => {
    if (!canRead) setToasts([]);
  }, [canRead]);

  return (
    <AlertFeedContext.Provider value={{ version }}>
      {children}
      <Toasts toasts={toasts} onDismiss={(id) => setToasts((list) => list.filter((a) => a.alertId !== id))} />
    </AlertFeedContext.Provider>
  );
}

function Toasts({ toasts, onDismiss }: { toasts: AlertEvent[]; onDismiss: (id: string) => void }) {
  const { t, fmt } = useI18n();
  return (
    <div className="toasts">
      {toasts.map((alert) => (
        <div key={alert.alertId} className="toast" role="status" data-testid="toast" data-alert-id={alert.alertId}>
          <p>
            <strong>{t('toast.spikeTitle')}</strong> {t('toast.spikeBody', { subject: alert.subject, at: fmt.dateTime(alert.at) })}
          </p>
          <div className="toast-actions">
            <Link to={ROUTE_PATHS.alerts} testId="toast-open">
              {t('toast.open')}
            </Link>
            <button type="button" onClick={() => onDismiss(alert.alertId)} data-testid="toast-dismiss">
              {t('toast.dismiss')}
            </button>
          </div>
        </div>
      ))}
    </div>
  );
}

export function useAlertFeed(): AlertFeed {
  return useContext(AlertFeedContext);
}
