// Suppressions: search an address (its bounce history and entries), the list
// of active entries with reason, since, expiry and source, the evidence
// behind one, and adding or removing by hand. Blacklists below.
import { Fragment, useState, type FormEvent } from 'react';
import { useMutation, useQuery } from 'urql';
import { useSession } from '../api/session.tsx';
import { BlacklistSection } from '../components/Blacklist.tsx';
import { BounceHistoryPanel } from '../components/BounceHistory.tsx';
import { Pager, useCursorPages } from '../components/Pager.tsx';
import { ErrorNote, ProblemNote, StatusNote, type ProblemData } from '../components/Notice.tsx';
import { graphql } from '../gql/index.ts';
import { useI18n } from '../i18n/index.tsx';

const SuppressionListDocument = graphql(`
  query SuppressionList($first: Int!, $after: String, $address: String, $source: String) {
    suppressions(first: $first, after: $after, address: $address, source: $source) {
      edges {
        node {
          id
          address
          recipientHash
          scope
          reason
          source
          createdAt
          createdBy
          expiresAt
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

const AddSuppressionDocument = graphql(`
  mutation AddSuppression($address: String!, $reason: String!, $scope: String, $expiresAt: DateTime) {
    addSuppression(address: $address, reason: $reason, scope: $scope, expiresAt: $expiresAt) {
      suppression {
        id
      }
      problem {
        code
        message
      }
    }
  }
`);

const RemoveSuppressionDocument = graphql(`
  mutation RemoveSuppression($address: String!, $scope: String) {
    removeSuppression(address: $address, scope: $scope) {
      removed
      problem {
        code
        message
      }
    }
  }
`);

const SOURCES = ['manual', 'hard-bounce', 'soft-bounce', 'complaint'];
const PAGE_SIZE = 50;

function AddSuppressionForm({ onAdded }: { onAdded: () => void }) {
  const { t } = useI18n();
  const [address, setAddress] = useState('');
  const [reason, setReason] = useState('');
  const [scope, setScope] = useState('');
  const [expires, setExpires] = useState('');
  const [problem, setProblem] = useState<ProblemData | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const [state, add] = useMutation(AddSuppressionDocument);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setDone(null);
    const result = await add({
      address: address.trim(),
      reason: reason.trim(),
      scope: scope.trim() || null,
      // datetime-local is local time; the API takes an instant.
      expiresAt: expires ? new Date(expires).toISOString() : null,
    });
    const payload = result.data?.addSuppression;
    setProblem(payload?.problem ?? null);
    if (payload?.suppression) {
      setDone(t('suppressions.added', { address: address.trim() }));
      setAddress('');
      setReason('');
      onAdded();
    }
  };

  return (
    <form className="card form-grid" onSubmit={submit} aria-labelledby="add-suppression-title">
      <h2 id="add-suppression-title">{t('suppressions.addTitle')}</h2>
      <div className="field">
        <label htmlFor="suppression-address">{t('suppressions.address')}</label>
        <input id="suppression-address" required value={address} onChange={(e) => setAddress(e.target.value)} data-testid="suppression-address" />
      </div>
      <div className="field">
        <label htmlFor="suppression-reason">{t('common.reason')}</label>
        <input id="suppression-reason" required maxLength={200} value={reason} onChange={(e) => setReason(e.target.value)} data-testid="suppression-reason" />
      </div>
      <div className="field">
        <label htmlFor="suppression-scope">{t('suppressions.scope')}</label>
        <input id="suppression-scope" value={scope} placeholder="global" aria-describedby="suppression-scope-hint" onChange={(e) => setScope(e.target.value)} data-testid="suppression-scope" />
        <small id="suppression-scope-hint" className="muted">{t('suppressions.scopeHint')}</small>
      </div>
      <div className="field">
        <label htmlFor="suppression-expires">{t('suppressions.expires')}</label>
        <input id="suppression-expires" type="datetime-local" value={expires} onChange={(e) => setExpires(e.target.value)} aria-describedby="suppression-expires-hint" data-testid="suppression-expires" />
        <small id="suppression-expires-hint" className="muted">{t('suppressions.expiresHint')}</small>
      </div>
      <div className="field field-buttons">
        <button type="submit" className="primary" disabled={state.fetching} data-testid="suppression-add">
          {t('suppressions.add')}
        </button>
      </div>
      <ErrorNote error={state.error} />
      <ProblemNote problem={problem} />
      <StatusNote text={done} testId="suppression-added" />
    </form>
  );
}

export function SuppressionsPage() {
  const { t, fmt } = useI18n();
  const { canAdmin } = useSession();
  const [search, setSearch] = useState('');
  const [address, setAddress] = useState<string | null>(null);
  const [source, setSource] = useState('');
  const pages = useCursorPages();
  const after = pages.after;
  const [evidenceOf, setEvidenceOf] = useState<string | null>(null);
  const [removal, setRemoval] = useState<{ problem: ProblemData | null; text: string | null }>({ problem: null, text: null });
  const [, remove] = useMutation(RemoveSuppressionDocument);

  const [result, reexecute] = useQuery({
    query: SuppressionListDocument,
    variables: { first: PAGE_SIZE, after, address, source: source || null },
  });
  const list = result.data?.suppressions;
  const refresh = () => reexecute({ requestPolicy: 'network-only' });
  const resetPages = pages.reset;

  const runSearch = (event: FormEvent) => {
    event.preventDefault();
    setAddress(search.trim() || null);
    resetPages();
  };

  // Not confirmed, like `relais suppression remove`: an entry removed by mistake can be added again by hand.
  const removeEntry = async (key: string, scope: string) => {
    const r = await remove({ address: key, scope: scope || 'global' });
    const payload = r.data?.removeSuppression;
    setRemoval({ problem: payload?.problem ?? null, text: payload && !payload.problem ? t('suppressions.removed', { count: payload.removed }) : null });
    refresh();
  };

  return (
    <main id="main" className="page">
      <h1>{t('nav.suppressions')}</h1>
      <form className="card search" onSubmit={runSearch} role="search" aria-label={t('suppressions.searchTitle')}>
        <label htmlFor="suppression-search">{t('suppressions.searchLabel')}</label>
        <input id="suppression-search" type="search" value={search} onChange={(e) => setSearch(e.target.value)} placeholder="user@example.com" data-testid="suppression-search" />
        <button type="submit" className="primary" data-testid="suppression-search-submit">
          {t('common.search')}
        </button>
        {address ? (
          <button type="button" onClick={() => { setSearch(''); setAddress(null); resetPages(); }} data-testid="suppression-search-clear">
            {t('common.clear')}
          </button>
        ) : null}
      </form>
      {address ? (
        <section className="card" aria-labelledby="search-result-title" data-testid="suppression-search-result">
          <h2 id="search-result-title">{t('suppressions.historyOf', { address })}</h2>
          <BounceHistoryPanel key={address} address={address} parts={['suppressions', 'evidence', 'attempts']} />
        </section>
      ) : null}

      {canAdmin ? <AddSuppressionForm onAdded={refresh} /> : null}

      <section className="card" aria-labelledby="suppression-list-title">
        <div className="card-head">
          <h2 id="suppression-list-title">{address ? t('suppressions.listFor', { address }) : t('suppressions.listTitle')}</h2>
          <div className="field inline">
            <label htmlFor="suppression-source">{t('suppressions.source')}</label>
            <select id="suppression-source" value={source} onChange={(e) => { setSource(e.target.value); resetPages(); }} data-testid="suppression-source">
              <option value="">{t('suppressions.anySource')}</option>
              {SOURCES.map((s) => (
                <option key={s} value={s}>{s}</option>
              ))}
            </select>
          </div>
        </div>
        <ErrorNote error={result.error} />
        <ProblemNote problem={list?.problem ?? removal.problem} />
        <StatusNote text={removal.text} testId="suppression-removed" />
        <div className="table-wrap" tabIndex={0} role="region" aria-label={t('suppressions.listTitle')}>
          <table className="data" data-testid="suppression-table">
            <thead>
              <tr>
                <th scope="col">{t('suppressions.address')}</th>
                <th scope="col">{t('suppressions.scope')}</th>
                <th scope="col">{t('common.reason')}</th>
                <th scope="col">{t('suppressions.source')}</th>
                <th scope="col">{t('suppressions.since')}</th>
                <th scope="col">{t('suppressions.expiry')}</th>
                <th scope="col">{t('common.by')}</th>
                <th scope="col">{t('queue.actions')}</th>
              </tr>
            </thead>
            <tbody>
              {(list?.edges ?? []).map(({ node }) => {
                const key = node.address ?? `hash:${node.recipientHash}`;
                const isOpen = evidenceOf === node.id;
                return (
                  <Fragment key={node.id}>
                    <tr data-testid="suppression-row" data-id={node.id}>
                      <td className="mono">{node.address ?? <span title={node.recipientHash}>{`hash:${node.recipientHash.slice(0, 12)}…`}</span>}</td>
                      <td>{node.scope || t('suppressions.global')}</td>
                      <td className="wrap">{node.reason}</td>
                      <td>{node.source}</td>
                      <td>{fmt.dateTime(node.createdAt)}</td>
                      <td>{node.expiresAt ? fmt.dateTime(node.expiresAt) : t('suppressions.never')}</td>
                      <td>{node.createdBy ?? '—'}</td>
                      <td>
                        <div className="row-actions">
                          <button type="button" aria-expanded={isOpen} onClick={() => setEvidenceOf(isOpen ? null : node.id)} data-testid="suppression-evidence">
                            {t('suppressions.evidence')}
                          </button>
                          {canAdmin ? (
                            <button type="button" className="danger" onClick={() => void removeEntry(key, node.scope)} data-testid="suppression-remove">
                              {t('suppressions.remove')}
                            </button>
                          ) : null}
                        </div>
                      </td>
                    </tr>
                    {isOpen ? (
                      <tr className="details-row">
                        <td colSpan={8}>
                          <BounceHistoryPanel address={key} parts={['evidence', 'attempts']} maxAttempts={20} />
                        </td>
                      </tr>
                    ) : null}
                  </Fragment>
                );
              })}
            </tbody>
          </table>
        </div>
        {list && list.edges.length === 0 ? <p className="muted" data-testid="suppression-empty">{t('suppressions.none')}</p> : null}
        <Pager pages={pages} hasNextPage={Boolean(list?.pageInfo.hasNextPage)} endCursor={list?.pageInfo.endCursor} testIdPrefix="suppression" />
      </section>

      <BlacklistSection />
    </main>
  );
}
