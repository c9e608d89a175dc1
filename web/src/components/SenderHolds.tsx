// Sender holds (after a traffic spike, or by hand): new mail refused with
// 451 4.7.1 and queued mail paused until released. Hold a sender (a login, or
// from:ADDRESS for mail without AUTH) with a reason; release one.
import { useEffect, useState, type FormEvent } from 'react';
import { useMutation, useQuery } from 'urql';
import { useSession } from '../api/session.tsx';
import { graphql } from '../gql/index.ts';
import { useI18n } from '../i18n/index.tsx';
import { useAlertFeed } from './AlertFeed.tsx';
import { ErrorNote, ProblemNote, StatusNote, type ProblemData } from './Notice.tsx';

const SenderHoldsDocument = graphql(`
  query SenderHolds {
    senderHolds(first: 100, releasedWithinHours: 24) {
      edges {
        node {
          key
          reason
          source
          since
          heldBy
          releasedAt
          releasedBy
        }
      }
    }
  }
`);
const HoldSenderDocument = graphql(`
  mutation HoldSender($key: String!, $reason: String!) {
    holdSender(key: $key, reason: $reason) { recipients hold { key } problem { code message } }
  }
`);
const ReleaseSenderDocument = graphql(`
  mutation ReleaseSender($key: String!) {
    releaseSender(key: $key) { recipients hold { key } problem { code message } }
  }
`);

export function SenderHoldsSection() {
  const { t, fmt } = useI18n();
  const { canAdmin } = useSession();
  const { version } = useAlertFeed();
  const [result, reexecute] = useQuery({ query: SenderHoldsDocument });
  const [key, setKey] = useState('');
  const [reason, setReason] = useState('');
  const [note, setNote] = useState<{ problem: ProblemData | null; text: string | null }>({ problem: null, text: null });
  const [holdState, hold] = useMutation(HoldSenderDocument);
  const [, release] = useMutation(ReleaseSenderDocument);
  const refresh = () => reexecute({ requestPolicy: 'network-only' });
  // A spike alert usually comes with a new hold.
  useEffect(() => {
    if (version > 0) reexecute({ requestPolicy: 'network-only' });
  }, [version, reexecute]);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const r = await hold({ key: key.trim(), reason: reason.trim() });
    const payload = r.data?.holdSender;
    setNote({ problem: payload?.problem ?? null, text: payload?.hold ? t('holds.held', { key: payload.hold.key, count: payload.recipients }) : null });
    if (payload?.hold) {
      setKey('');
      setReason('');
    }
    refresh();
  };
  const releaseOne = async (holdKey: string) => {
    const r = await release({ key: holdKey });
    const payload = r.data?.releaseSender;
    setNote({ problem: payload?.problem ?? null, text: payload && !payload.problem ? t('holds.released', { key: holdKey, count: payload.recipients }) : null });
    refresh();
  };

  const holds = result.data?.senderHolds.edges.map((e) => e.node) ?? [];
  return (
    <section className="card" aria-labelledby="holds-title" data-testid="sender-holds">
      <h2 id="holds-title">{t('holds.title')}</h2>
      {canAdmin ? (
        <form className="form-grid" onSubmit={submit} aria-label={t('holds.addTitle')}>
          <div className="field">
            <label htmlFor="hold-key">{t('holds.key')}</label>
            <input id="hold-key" required value={key} onChange={(e) => setKey(e.target.value)} placeholder="alice, from:news@example.org" data-testid="hold-key" />
          </div>
          <div className="field">
            <label htmlFor="hold-reason">{t('common.reason')}</label>
            <input id="hold-reason" required value={reason} onChange={(e) => setReason(e.target.value)} data-testid="hold-reason" />
          </div>
          <div className="field field-buttons">
            <button type="submit" className="primary" disabled={holdState.fetching} data-testid="hold-add">{t('holds.hold')}</button>
          </div>
        </form>
      ) : null}
      <ErrorNote error={result.error ?? holdState.error} />
      <ProblemNote problem={note.problem} />
      <StatusNote text={note.text} testId="holds-done" />
      <div className="table-wrap" tabIndex={0} role="region" aria-label={t('holds.title')}>
        <table className="data" data-testid="holds-table">
          <thead>
            <tr>
              <th scope="col">{t('holds.key')}</th>
              <th scope="col">{t('common.reason')}</th>
              <th scope="col">{t('holds.source')}</th>
              <th scope="col">{t('suppressions.since')}</th>
              <th scope="col">{t('common.by')}</th>
              <th scope="col">{t('holds.releasedAt')}</th>
              {canAdmin ? <th scope="col">{t('queue.actions')}</th> : null}
            </tr>
          </thead>
          <tbody>
            {holds.map((h) => (
              <tr key={`${h.key}-${h.since}`} data-testid="hold-row" data-key={h.key} data-released={h.releasedAt ? 'true' : 'false'}>
                <td className="mono">{h.key}</td>
                <td className="wrap">{h.reason}</td>
                <td>{h.source}</td>
                <td>{fmt.dateTime(h.since)}</td>
                <td>{h.heldBy ?? '—'}</td>
                <td>{h.releasedAt ? `${fmt.dateTime(h.releasedAt)} (${h.releasedBy ?? '—'})` : '—'}</td>
                {canAdmin ? (
                  <td>
                    {h.releasedAt ? null : (
                      <button type="button" onClick={() => void releaseOne(h.key)} data-testid="hold-release">
                        {t('holds.release')}
                      </button>
                    )}
                  </td>
                ) : null}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {result.data && holds.length === 0 ? <p className="muted">{t('holds.none')}</p> : null}
    </section>
  );
}
