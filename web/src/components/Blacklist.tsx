// Blacklists: senders refused at MAIL FROM and recipients refused at RCPT TO,
// by address or whole domain (@example.org); list, add with a reason, remove.
import { useState, type FormEvent } from 'react';
import { useMutation, useQuery } from 'urql';
import { useSession } from '../api/session.tsx';
import { graphql } from '../gql/index.ts';
import type { BlacklistKind } from '../gql/graphql.ts';
import { useI18n, type MessageKey } from '../i18n/index.tsx';
import { ErrorNote, ProblemNote, StatusNote, type ProblemData } from './Notice.tsx';

const BlacklistDocument = graphql(`
  query Blacklist($kind: BlacklistKind, $after: String) {
    blacklistEntries(first: 100, kind: $kind, after: $after) {
      edges {
        node {
          kind
          pattern
          reason
          createdAt
        }
      }
      pageInfo {
        hasNextPage
        endCursor
      }
    }
  }
`);

const AddBlacklistDocument = graphql(`
  mutation AddBlacklistEntry($kind: BlacklistKind!, $pattern: String!, $reason: String!) {
    addBlacklistEntry(kind: $kind, pattern: $pattern, reason: $reason) {
      entry {
        pattern
      }
      problem {
        code
        message
      }
    }
  }
`);

const RemoveBlacklistDocument = graphql(`
  mutation RemoveBlacklistEntry($kind: BlacklistKind!, $pattern: String!) {
    removeBlacklistEntry(kind: $kind, pattern: $pattern) {
      problem {
        code
        message
      }
    }
  }
`);

const KINDS: readonly BlacklistKind[] = ['sender', 'recipient'];

export function BlacklistSection() {
  const { t, fmt } = useI18n();
  const { canAdmin } = useSession();
  const [kindFilter, setKindFilter] = useState<BlacklistKind | ''>('');
  const [after, setAfter] = useState<string | null>(null);
  const [kind, setKind] = useState<BlacklistKind>('sender');
  const [pattern, setPattern] = useState('');
  const [reason, setReason] = useState('');
  const [problem, setProblem] = useState<ProblemData | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const [result, reexecute] = useQuery({ query: BlacklistDocument, variables: { kind: kindFilter || null, after } });
  const [addState, add] = useMutation(AddBlacklistDocument);
  const [, remove] = useMutation(RemoveBlacklistDocument);
  const refresh = () => reexecute({ requestPolicy: 'network-only' });
  const list = result.data?.blacklistEntries;

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setDone(null);
    const r = await add({ kind, pattern: pattern.trim(), reason: reason.trim() });
    const payload = r.data?.addBlacklistEntry;
    setProblem(payload?.problem ?? null);
    if (payload?.entry) {
      setDone(t('blacklist.added', { pattern: payload.entry.pattern }));
      setPattern('');
      setReason('');
      refresh();
    }
  };

  // Not confirmed: an entry removed by mistake can be added again by hand.
  const removeEntry = async (entryKind: BlacklistKind, entryPattern: string) => {
    const r = await remove({ kind: entryKind, pattern: entryPattern });
    setProblem(r.data?.removeBlacklistEntry.problem ?? null);
    setDone(r.data && !r.data.removeBlacklistEntry.problem ? t('blacklist.removed', { pattern: entryPattern }) : null);
    refresh();
  };

  return (
    <section className="card" aria-labelledby="blacklist-title" data-testid="blacklist">
      <div className="card-head">
        <h2 id="blacklist-title">{t('blacklist.title')}</h2>
        <div className="field inline">
          <label htmlFor="blacklist-filter">{t('blacklist.kindLabel')}</label>
          <select id="blacklist-filter" value={kindFilter} onChange={(e) => { setKindFilter(e.target.value as BlacklistKind | ''); setAfter(null); }} data-testid="blacklist-filter">
            <option value="">{t('blacklist.anyKind')}</option>
            {KINDS.map((k) => (
              <option key={k} value={k}>{t(`blacklist.kind.${k}` as MessageKey)}</option>
            ))}
          </select>
        </div>
      </div>
      {canAdmin ? (
        <form className="form-grid" onSubmit={submit} aria-label={t('blacklist.addTitle')}>
          <div className="field">
            <label htmlFor="blacklist-kind">{t('blacklist.kindLabel')}</label>
            <select id="blacklist-kind" value={kind} onChange={(e) => setKind(e.target.value as BlacklistKind)} data-testid="blacklist-kind">
              {KINDS.map((k) => (
                <option key={k} value={k}>{t(`blacklist.kind.${k}` as MessageKey)}</option>
              ))}
            </select>
          </div>
          <div className="field">
            <label htmlFor="blacklist-pattern">{t('blacklist.pattern')}</label>
            <input id="blacklist-pattern" required value={pattern} onChange={(e) => setPattern(e.target.value)} placeholder="spam@example.com, @example.com" data-testid="blacklist-pattern" />
          </div>
          <div className="field">
            <label htmlFor="blacklist-reason">{t('common.reason')}</label>
            <input id="blacklist-reason" required maxLength={200} value={reason} onChange={(e) => setReason(e.target.value)} data-testid="blacklist-reason" />
          </div>
          <div className="field field-buttons">
            <button type="submit" className="primary" disabled={addState.fetching} data-testid="blacklist-add">
              {t('blacklist.add')}
            </button>
          </div>
        </form>
      ) : null}
      <ErrorNote error={result.error ?? addState.error} />
      <ProblemNote problem={problem} />
      <StatusNote text={done} testId="blacklist-done" />
      <div className="table-wrap" tabIndex={0} role="region" aria-label={t('blacklist.title')}>
        <table className="data" data-testid="blacklist-table">
          <thead>
            <tr>
              <th scope="col">{t('blacklist.kindLabel')}</th>
              <th scope="col">{t('blacklist.pattern')}</th>
              <th scope="col">{t('common.reason')}</th>
              <th scope="col">{t('suppressions.since')}</th>
              {canAdmin ? <th scope="col">{t('queue.actions')}</th> : null}
            </tr>
          </thead>
          <tbody>
            {(list?.edges ?? []).map(({ node }) => (
              <tr key={`${node.kind}:${node.pattern}`} data-testid="blacklist-row">
                <td>{t(`blacklist.kind.${node.kind}` as MessageKey)}</td>
                <td className="mono">{node.pattern}</td>
                <td className="wrap">{node.reason}</td>
                <td>{fmt.dateTime(node.createdAt)}</td>
                {canAdmin ? (
                  <td>
                    <button type="button" className="danger" onClick={() => void removeEntry(node.kind, node.pattern)} data-testid="blacklist-remove">
                      {t('blacklist.remove')}
                    </button>
                  </td>
                ) : null}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {list && list.edges.length === 0 ? <p className="muted">{t('blacklist.none')}</p> : null}
      {list?.pageInfo.hasNextPage ? (
        <button type="button" onClick={() => setAfter(list.pageInfo.endCursor ?? null)} data-testid="blacklist-next">
          {t('common.nextPage')}
        </button>
      ) : null}
    </section>
  );
}
