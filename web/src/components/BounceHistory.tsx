// What the relay knows of one recipient address (`bounceHistory`): the
// attempts as a timeline, the bounce and complaint evidence still counted,
// failed outcomes by category, and the active suppressions. Admins and readers.
import { useQuery } from 'urql';
import { graphql } from '../gql/index.ts';
import { useI18n, type MessageKey } from '../i18n/index.tsx';
import { ErrorNote, ProblemNote } from './Notice.tsx';

const BounceHistoryDocument = graphql(`
  query BounceHistory($address: String!) {
    bounceHistory(address: $address) {
      recipientHash
      lastSuccessOn
      evidence {
        category
        count
        kind
        lastAt
      }
      outcomes {
        outcome
        category
        count
      }
      suppressions {
        id
        scope
        reason
        source
        createdAt
        expiresAt
      }
      attempts {
        at
        outcome
        category
        code
        enhanced
        text
        mx
        isTls
        domain
      }
      problem {
        code
        message
      }
    }
  }
`);

type Part = 'attempts' | 'evidence' | 'suppressions';

export function BounceHistoryPanel({ address, parts, maxAttempts = 50 }: { address: string; parts: Part[]; maxAttempts?: number }) {
  const { t, fmt } = useI18n();
  const [result] = useQuery({ query: BounceHistoryDocument, variables: { address }, requestPolicy: 'network-only' });
  const history = result.data?.bounceHistory;
  const yesNo = (value: boolean | null | undefined) => (value == null ? '—' : value ? t('common.yes') : t('common.no'));

  return (
    <div className="history" data-testid="bounce-history">
      <ErrorNote error={result.error} />
      <ProblemNote problem={history?.problem} />
      {result.fetching && !history ? <p className="muted">{t('common.loading')}</p> : null}
      {history && !history.problem ? (
        <>
          <p className="muted">
            {t('history.lastSuccess', { date: fmt.date(history.lastSuccessOn) })}
            {history.recipientHash ? <span className="mono"> · hash:{history.recipientHash}</span> : null}
          </p>
          {parts.includes('suppressions') ? (
            <>
              <h4>{t('history.suppressions')}</h4>
              {history.suppressions.length === 0 ? <p className="muted">{t('history.notSuppressed')}</p> : null}
              <ul className="plain-list">
                {history.suppressions.map((s) => (
                  <li key={s.id} data-testid="history-suppression">
                    {t('history.suppressionLine', {
                      scope: s.scope || t('suppressions.global'),
                      source: s.source,
                      since: fmt.dateTime(s.createdAt),
                      until: s.expiresAt ? fmt.dateTime(s.expiresAt) : t('suppressions.never'),
                    })}{' '}
                    — {s.reason}
                  </li>
                ))}
              </ul>
            </>
          ) : null}
          {parts.includes('evidence') ? (
            <>
              <h4>{t('history.evidence')}</h4>
              {history.evidence.length === 0 ? <p className="muted">{t('history.noEvidence')}</p> : null}
              <ul className="plain-list">
                {history.evidence.map((e) => (
                  <li key={`${e.kind}-${e.category}`} data-testid="history-evidence">
                    {t('history.evidenceLine', { kind: e.kind, category: e.category, count: fmt.number(e.count), last: fmt.dateTime(e.lastAt) })}
                  </li>
                ))}
              </ul>
              <h4>{t('history.outcomes')}</h4>
              {history.outcomes.length === 0 ? <p className="muted">{t('history.noOutcomes')}</p> : null}
              <ul className="plain-list">
                {history.outcomes.map((o) => (
                  <li key={`${o.outcome}-${o.category}`} data-testid="history-outcome">
                    {t(`outcome.${o.outcome}` as MessageKey)} · {o.category} · {fmt.number(o.count)}
                  </li>
                ))}
              </ul>
            </>
          ) : null}
          {parts.includes('attempts') ? (
            <>
              <h4>{t('history.attempts')}</h4>
              {history.attempts.length === 0 ? <p className="muted">{t('history.noAttempts')}</p> : null}
              <ol className="timeline" data-testid="history-attempts">
                {history.attempts.slice(0, maxAttempts).map((a, i) => (
                  <li key={`${a.at}-${i}`} data-testid="history-attempt">
                    <span className="muted">{fmt.dateTime(a.at)}</span>{' '}
                    <span className={`badge badge-${a.outcome}`}>{t(`outcome.${a.outcome}` as MessageKey)}</span>{' '}
                    {a.category ? <span>{a.category}</span> : null}{' '}
                    {a.code ? <span className="mono">{`${a.code}${a.enhanced ? ` ${a.enhanced}` : ''}`}</span> : null}{' '}
                    {a.text ? <span className="reply-text">{a.text}</span> : null}
                    <span className="muted">
                      {' '}
                      · {t('queue.mx')}: {a.mx ?? '—'} · {t('queue.tls')}: {yesNo(a.isTls)}
                    </span>
                  </li>
                ))}
              </ol>
            </>
          ) : null}
        </>
      ) : null}
    </div>
  );
}
