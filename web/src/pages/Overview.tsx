// The overview: counters for the last 24 hours (from `stats`, then moved on
// live by `deliveryEvents`), the queue by state (`queueStats` every 5 s),
// throughput and outcome charts, the latest alerts, and health (components/HealthPanel.tsx).
import { useEffect, useState } from 'react';
import { useClient, useQuery, useSubscription } from 'urql';
import { useSession } from '../api/session.tsx';
import { useAlertFeed } from '../components/AlertFeed.tsx';
import { HealthPanel } from '../components/HealthPanel.tsx';
import { ErrorNote } from '../components/Notice.tsx';
import { REFRESH_MS, StatsCharts } from '../components/StatsCharts.tsx';
import { useInterval } from '../components/useInterval.ts';
import { graphql } from '../gql/index.ts';
import type { DeliveryFeedSubscription } from '../gql/graphql.ts';
import { useI18n, type MessageKey } from '../i18n/index.tsx';
import { Link, ROUTE_PATHS } from '../router.tsx';

const OverviewTotalsDocument = graphql(`
  query OverviewTotals {
    stats(scope: GLOBAL, bucket: HOUR, hours: 24) {
      points {
        received
        delivered
        deferred
        bounced
      }
      problem {
        code
        message
      }
    }
  }
`);

const QueueStatsLiveDocument = graphql(`
  subscription QueueStatsLive {
    queueStats(intervalSeconds: 5) {
      queued
      active
      deferred
      held
      at
    }
  }
`);

const DeliveryFeedDocument = graphql(`
  subscription DeliveryFeed {
    deliveryEvents {
      outcome
      domain
      code
      enhanced
      category
      at
    }
  }
`);

const LatestAlertsDocument = graphql(`
  query LatestAlerts {
    alerts(first: 5) {
      edges {
        node {
          id
          kind
          subject
          raisedAt
          isAcknowledged
        }
      }
    }
  }
`);

type Outcome = 'delivered' | 'deferred' | 'bounced';
type DeliveryEvent = DeliveryFeedSubscription['deliveryEvents'];
const ZERO: Record<Outcome, number> = { delivered: 0, deferred: 0, bounced: 0 };
const isOutcome = (value: string): value is Outcome => value === 'delivered' || value === 'deferred' || value === 'bounced';

function Counter({ id, label, value }: { id: string; label: string; value: number | null }) {
  const { fmt } = useI18n();
  return (
    <div className={`counter counter-${id}`}>
      <span className="counter-label">{label}</span>
      <span className="counter-value" data-testid={`counter-${id}`} data-value={value ?? ''}>
        {value === null ? '—' : fmt.number(value)}
      </span>
    </div>
  );
}

/** Delivered, deferred and bounced: the 24-hour totals plus the events seen since they were read. */
function useOutcomeCounters(canRead: boolean) {
  const client = useClient();
  const [totals, reexecute] = useQuery({ query: OverviewTotalsDocument, pause: !canRead });
  useInterval(() => reexecute({ requestPolicy: 'network-only' }), REFRESH_MS, canRead);
  const [live, setLive] = useState(ZERO);
  const [events, setEvents] = useState<DeliveryEvent[]>([]);

  // Fresh totals include what the live events had added.
  useEffect(() => setLive(ZERO), [totals.data]);

  useEffect(() => {
    // Read directly, not through useSubscription: every event must count, even two in one tick.
    const subscription = client.subscription(DeliveryFeedDocument, {}).subscribe((result) => {
      const event = result.data?.deliveryEvents;
      if (!event) return;
      const outcome = event.outcome;
      // Expired recipients are counted apart in `stats`, so not as bounced here either.
      if (isOutcome(outcome)) setLive((counts) => ({ ...counts, [outcome]: counts[outcome] + 1 }));
      setEvents((list) => [event, ...list].slice(0, 10));
    });
    return () => subscription.unsubscribe();
  }, [client]);

  const points = totals.data?.stats.points ?? null;
  const sum = (key: Outcome | 'received'): number | null =>
    canRead ? (points ? points.reduce((n, p) => n + p[key], 0) + (key === 'received' ? 0 : live[key]) : null) : key === 'received' ? null : live[key];
  return { sum, events, error: totals.error };
}

function LatestAlerts() {
  const { t, fmt } = useI18n();
  const { version } = useAlertFeed();
  const [alerts, reexecute] = useQuery({ query: LatestAlertsDocument });
  useEffect(() => {
    if (version > 0) reexecute({ requestPolicy: 'network-only' });
  }, [version, reexecute]);
  const edges = alerts.data?.alerts.edges ?? [];
  return (
    <section className="card" aria-labelledby="latest-alerts-title" data-testid="latest-alerts">
      <div className="card-head">
        <h2 id="latest-alerts-title">{t('overview.latestAlerts')}</h2>
        <Link to={ROUTE_PATHS.alerts}>{t('overview.allAlerts')}</Link>
      </div>
      <ErrorNote error={alerts.error} />
      {edges.length === 0 && !alerts.fetching ? <p className="muted">{t('alerts.none')}</p> : null}
      <ul className="plain-list">
        {edges.map(({ node }) => (
          <li key={node.id} data-testid="latest-alert">
            <span className={`badge badge-${node.kind}`}>{t(`alertKind.${node.kind}` as MessageKey)}</span> <span className="mono">{node.subject}</span>{' '}
            <span className="muted">{fmt.dateTime(node.raisedAt)}</span>
            {node.isAcknowledged ? null : <span className="badge badge-bad">{t('alerts.unacknowledged')}</span>}
          </li>
        ))}
      </ul>
    </section>
  );
}

export function OverviewPage() {
  const { t, fmt } = useI18n();
  const { canRead } = useSession();
  const { sum, events, error } = useOutcomeCounters(canRead);
  const [queue] = useSubscription({ query: QueueStatsLiveDocument });
  const stats = queue.data?.queueStats;
  const span = canRead ? t('overview.last24h') : t('overview.sinceOpened');

  return (
    <main id="main" className="page">
      <h1>{t('nav.overview')}</h1>
      <section aria-labelledby="counters-title" className="card">
        <h2 id="counters-title">{t('overview.counters')}</h2>
        <div className="counters" data-testid="counters">
          {canRead ? <Counter id="received" label={`${t('counter.received')} ${span}`} value={sum('received')} /> : null}
          <Counter id="delivered" label={`${t('counter.delivered')} ${span}`} value={sum('delivered')} />
          <Counter id="deferred" label={`${t('counter.deferred')} ${span}`} value={sum('deferred')} />
          <Counter id="bounced" label={`${t('counter.bounced')} ${span}`} value={sum('bounced')} />
          <Counter id="queue-depth" label={t('counter.queueDepth')} value={stats ? stats.queued + stats.active + stats.deferred : null} />
          <Counter id="held" label={t('counter.held')} value={stats ? stats.held : null} />
        </div>
        {stats ? (
          <p className="muted" data-testid="queue-breakdown">
            {t('overview.queueBreakdown', { queued: fmt.number(stats.queued), active: fmt.number(stats.active), deferred: fmt.number(stats.deferred), at: fmt.dateTime(stats.at) })}
          </p>
        ) : null}
        <ErrorNote error={error ?? queue.error} />
      </section>

      {canRead ? <StatsCharts scope="GLOBAL" testId="global-stats" /> : null}

      <div className="grid-2">
        <section className="card" aria-labelledby="live-title">
          <h2 id="live-title">{t('overview.liveDeliveries')}</h2>
          {events.length === 0 ? <p className="muted">{t('overview.noEventsYet')}</p> : null}
          <ul className="plain-list" data-testid="live-events">
            {events.map((e, i) => (
              <li key={`${e.at}-${i}`} data-testid="live-event">
                <span className={`badge badge-${e.outcome}`}>{t(`outcome.${e.outcome}` as MessageKey)}</span> <span className="mono">{e.domain}</span>{' '}
                {e.code ? <span className="mono">{`${e.code}${e.enhanced ? ` ${e.enhanced}` : ''}`}</span> : null}{' '}
                <span className="muted">{fmt.dateTime(e.at)}</span>
              </li>
            ))}
          </ul>
        </section>
        {canRead ? <LatestAlerts /> : null}
        <HealthPanel />
      </div>
    </main>
  );
}
