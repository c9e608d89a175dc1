// Alerts, newest first: policy blocks, complaints and traffic spikes, with
// what was recorded with each. The list follows the live `alerts` feed; an
// admin acknowledges one (the first acknowledgement is kept).
import { useEffect, useState } from 'react';
import { useMutation, useQuery } from 'urql';
import { useSession } from '../api/session.tsx';
import { useAlertFeed } from '../components/AlertFeed.tsx';
import { Pager, useCursorPages } from '../components/Pager.tsx';
import { ErrorNote, ProblemNote, type ProblemData } from '../components/Notice.tsx';
import { graphql } from '../gql/index.ts';
import { useI18n, type MessageKey } from '../i18n/index.tsx';

const AlertListDocument = graphql(`
  query AlertList($first: Int!, $after: String, $kind: String, $isUnacknowledgedOnly: Boolean) {
    alerts(first: $first, after: $after, kind: $kind, isUnacknowledgedOnly: $isUnacknowledgedOnly) {
      edges {
        node {
          id
          kind
          subject
          raisedAt
          isAcknowledged
          acknowledgedAt
          acknowledgedBy
          details {
            name
            value
          }
        }
      }
      pageInfo {
        hasNextPage
        endCursor
      }
      problem {
        code
        message
      }
    }
  }
`);

const AcknowledgeAlertDocument = graphql(`
  mutation AcknowledgeAlert($id: ID!) {
    acknowledgeAlert(id: $id) {
      alert {
        id
        isAcknowledged
        acknowledgedAt
        acknowledgedBy
      }
      problem {
        code
        message
      }
    }
  }
`);

const KINDS = ['policy-block', 'complaint', 'spike'];
const PAGE_SIZE = 50;

export function AlertsPage() {
  const { t, fmt } = useI18n();
  const { canAdmin } = useSession();
  const { version } = useAlertFeed();
  const [kind, setKind] = useState('');
  const [isUnacknowledgedOnly, setUnacknowledgedOnly] = useState(false);
  const pages = useCursorPages();
  const after = pages.after;
  const [problem, setProblem] = useState<ProblemData | null>(null);
  const [result, reexecute] = useQuery({
    query: AlertListDocument,
    variables: { first: PAGE_SIZE, after, kind: kind || null, isUnacknowledgedOnly },
  });
  const [, acknowledge] = useMutation(AcknowledgeAlertDocument);
  const list = result.data?.alerts;

  useEffect(() => {
    if (version > 0) reexecute({ requestPolicy: 'network-only' });
  }, [version, reexecute]);

  const resetPages = pages.reset;
  const ack = async (id: string) => {
    const r = await acknowledge({ id });
    setProblem(r.data?.acknowledgeAlert.problem ?? null);
    reexecute({ requestPolicy: 'network-only' });
  };

  return (
    <main id="main" className="page">
      <h1>{t('nav.alerts')}</h1>
      <section className="card" aria-labelledby="alert-list-title">
        <div className="card-head">
          <h2 id="alert-list-title">{t('alerts.listTitle')}</h2>
          <div className="inline-fields">
            <div className="field inline">
              <label htmlFor="alerts-kind">{t('alerts.kind')}</label>
              <select id="alerts-kind" value={kind} onChange={(e) => { setKind(e.target.value); resetPages(); }} data-testid="alerts-kind">
                <option value="">{t('alerts.anyKind')}</option>
                {KINDS.map((k) => (
                  <option key={k} value={k}>{t(`alertKind.${k}` as MessageKey)}</option>
                ))}
              </select>
            </div>
            <div className="field inline checkbox">
              <input id="alerts-unack" type="checkbox" checked={isUnacknowledgedOnly} onChange={(e) => { setUnacknowledgedOnly(e.target.checked); resetPages(); }} data-testid="alerts-unack-only" />
              <label htmlFor="alerts-unack">{t('alerts.unacknowledgedOnly')}</label>
            </div>
          </div>
        </div>
        <ErrorNote error={result.error} />
        <ProblemNote problem={list?.problem ?? problem} />
        <div className="table-wrap" tabIndex={0} role="region" aria-label={t('alerts.listTitle')}>
          <table className="data" data-testid="alerts-table">
            <thead>
              <tr>
                <th scope="col">{t('alerts.raisedAt')}</th>
                <th scope="col">{t('alerts.kind')}</th>
                <th scope="col">{t('alerts.subject')}</th>
                <th scope="col">{t('alerts.details')}</th>
                <th scope="col">{t('alerts.acknowledged')}</th>
              </tr>
            </thead>
            <tbody>
              {(list?.edges ?? []).map(({ node }) => (
                <tr key={node.id} data-testid="alert-row" data-id={node.id} data-kind={node.kind}>
                  <td>{fmt.dateTime(node.raisedAt)}</td>
                  <td>
                    <span className={`badge badge-${node.kind}`}>{t(`alertKind.${node.kind}` as MessageKey)}</span>
                  </td>
                  <td className="mono">{node.subject}</td>
                  <td className="wrap">
                    <dl className="details">
                      {node.details.map((d) => (
                        <div key={d.name}>
                          <dt>{d.name}</dt>
                          <dd>{d.value}</dd>
                        </div>
                      ))}
                    </dl>
                  </td>
                  <td>
                    {node.isAcknowledged ? (
                      <span data-testid="alert-acknowledged">
                        {t('alerts.acknowledgedBy', { by: node.acknowledgedBy ?? '—', at: fmt.dateTime(node.acknowledgedAt) })}
                      </span>
                    ) : canAdmin ? (
                      <button type="button" onClick={() => void ack(node.id)} data-testid="alert-ack">
                        {t('alerts.acknowledge')}
                      </button>
                    ) : (
                      t('alerts.unacknowledged')
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        {list && list.edges.length === 0 ? <p className="muted" data-testid="alerts-empty">{t('alerts.none')}</p> : null}
        <Pager pages={pages} hasNextPage={Boolean(list?.pageInfo.hasNextPage)} endCursor={list?.pageInfo.endCursor} testIdPrefix="alerts" />
      </section>
    </main>
  );
}
