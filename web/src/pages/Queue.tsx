// The queue, as postqueue -p shows it: messages oldest first, filtered by
// recipient state, sender, destination domain and age, paged forward by
// cursor. Per message: details and retry/hold/release/delete; checkboxes for
// acting on a selection; and the same four actions on every message the
// filter matches. Deleting always asks first.
import { useState } from 'react';
import { useQuery } from 'urql';
import { useSession } from '../api/session.tsx';
import { useConfirm } from '../components/ConfirmDialog.tsx';
import { ErrorNote, ProblemNote, StatusNote } from '../components/Notice.tsx';
import { conditionCount, QueueFilters } from '../components/QueueFilters.tsx';
import { ActionButton, QueueRow } from '../components/QueueRow.tsx';
import { QUEUE_ACTIONS, sumOutcomes, useQueueActions, type ActionOutcome, type QueueAction } from '../components/queueActions.ts';
import { graphql } from '../gql/index.ts';
import type { QueueFilterInput } from '../gql/graphql.ts';
import { useI18n } from '../i18n/index.tsx';

const QueuePageDocument = graphql(`
  query QueuePage($first: Int!, $after: String, $filter: QueueFilterInput) {
    queueEntries(first: $first, after: $after, filter: $filter) {
      edges {
        cursor
        node {
          id
          mailFrom
          subject
          receivedAt
          sizeBytes
          submittedBy
          recipients {
            rcptTo
            domain
            state
            attempts
            lastAttemptAt
            nextAttemptAt
            lastMx
            isLastTls
            lastReply {
              code
              enhanced
              text
            }
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

const PAGE_SIZE = 50;

export function QueuePage() {
  const { t } = useI18n();
  const { canAct, canRead } = useSession();
  const { runOne, runByFilter } = useQueueActions();
  const [confirm, confirmDialog] = useConfirm();
  const [filter, setFilter] = useState<QueueFilterInput>({});
  const [after, setAfter] = useState<string | null>(null);
  const [previous, setPrevious] = useState<(string | null)[]>([]);
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [isBusy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<ActionOutcome | null>(null);

  const [result, reexecute] = useQuery({ query: QueuePageDocument, variables: { first: PAGE_SIZE, after, filter } });
  const page = result.data?.queueEntries;
  const entries = page?.edges.map((e) => e.node) ?? [];
  const refresh = () => reexecute({ requestPolicy: 'network-only' });
  const hasFilter = conditionCount(filter) > 0;

  const applyFilter = (next: QueueFilterInput) => {
    setFilter(next);
    setAfter(null);
    setPrevious([]);
    setSelected(new Set());
  };
  const goNext = () => {
    if (!page?.pageInfo.endCursor) return;
    setPrevious([...previous, after]);
    setAfter(page.pageInfo.endCursor);
    setSelected(new Set());
  };
  const goPrevious = () => {
    setAfter(previous[previous.length - 1] ?? null);
    setPrevious(previous.slice(0, -1));
    setSelected(new Set());
  };

  /** Runs an action after the delete confirmation where needed; shows what it did and reloads the page. */
  const perform = async (action: QueueAction, what: { ids: string[] } | { filter: QueueFilterInput }) => {
    if (action === 'delete') {
      const message =
        'filter' in what
          ? t('queue.confirmDeleteFilter')
          : what.ids.length === 1
            ? t('queue.confirmDeleteOne', { id: what.ids[0] ?? '' })
            : t('queue.confirmDeleteMany', { count: what.ids.length });
      const isConfirmed = await confirm({ title: t('queue.confirmDeleteTitle'), message, confirmLabel: t('queue.actionDelete') });
      if (!isConfirmed) return;
    }
    setBusy(true);
    setOutcome(null);
    try {
      if ('filter' in what) {
        setOutcome(await runByFilter(action, what.filter));
      } else {
        const outcomes: ActionOutcome[] = [];
        for (const id of what.ids) outcomes.push(await runOne(action, id));
        setOutcome(sumOutcomes(outcomes));
      }
      setSelected(new Set());
      refresh();
    } finally {
      setBusy(false);
    }
  };

  const allSelected = entries.length > 0 && entries.every((e) => selected.has(e.id));
  const columns = canAct ? 9 : 7;

  return (
    <main id="main" className="page">
      <div className="page-head">
        <h1>{t('nav.queue')}</h1>
        <button type="button" onClick={refresh} data-testid="queue-refresh">
          {t('common.refresh')}
        </button>
      </div>
      <QueueFilters onApply={applyFilter} />

      {canAct ? (
        <section className="card bulk" aria-labelledby="bulk-title">
          <h2 id="bulk-title" className="visually-hidden">{t('queue.bulkTitle')}</h2>
          {/* Shown while something is selected; inside it the buttons are action-* like a row's. */}
          {selected.size > 0 ? (
            <div className="bulk-row" data-testid="bulk-selected">
              <span>{t('queue.selectedCount', { count: selected.size })}</span>
              {QUEUE_ACTIONS.map((action) => (
                <ActionButton key={action} action={action} testId={`action-${action}`} disabled={isBusy} onClick={() => void perform(action, { ids: [...selected] })} />
              ))}
            </div>
          ) : (
            <p className="bulk-row muted">{t('queue.selectHint')}</p>
          )}
          <div className="bulk-row" data-testid="bulk-filter">
            <span>{hasFilter ? t('queue.matchingFilter') : t('queue.filterNeeded')}</span>
            {QUEUE_ACTIONS.map((action) => (
              <ActionButton key={action} action={action} testId={`filter-${action}`} disabled={isBusy || !hasFilter} onClick={() => void perform(action, { filter })} />
            ))}
          </div>
        </section>
      ) : null}

      {outcome ? (
        <>
          <StatusNote
            testId="action-result"
            text={t('queue.actionResult', { recipients: outcome.recipientsAffected, messages: outcome.messagesDeleted })}
          />
          {outcome.failures.length ? (
            <p className="notice notice-error" role="alert" data-testid="action-failures">
              {outcome.failures.join(' · ')}
            </p>
          ) : null}
        </>
      ) : null}
      <ErrorNote error={result.error} />
      <ProblemNote problem={page?.problem} />

      <div className="table-wrap" tabIndex={0} role="region" aria-label={t('queue.tableLabel')}>
        <table className="data" data-testid="queue-table">
          <thead>
            <tr>
              {canAct ? (
                <th scope="col">
                  <input
                    type="checkbox"
                    checked={allSelected}
                    onChange={(e) => setSelected(e.target.checked ? new Set(entries.map((x) => x.id)) : new Set())}
                    aria-label={t('queue.selectAll')}
                    data-testid="select-all"
                  />
                </th>
              ) : null}
              <th scope="col">{t('queue.id')}</th>
              <th scope="col">{t('queue.mailFrom')}</th>
              <th scope="col">{t('queue.subject')}</th>
              <th scope="col">{t('queue.recipients')}</th>
              <th scope="col">{t('queue.received')}</th>
              <th scope="col">{t('queue.size')}</th>
              <th scope="col">{t('queue.submittedBy')}</th>
              {canAct ? <th scope="col">{t('queue.actions')}</th> : null}
            </tr>
          </thead>
          <tbody>
            {entries.map((entry) => (
              <QueueRow
                key={entry.id}
                entry={entry}
                columns={columns}
                canAct={canAct}
                canRead={canRead}
                isBusy={isBusy}
                isSelected={selected.has(entry.id)}
                onSelect={(isOn) => {
                  const next = new Set(selected);
                  if (isOn) next.add(entry.id);
                  else next.delete(entry.id);
                  setSelected(next);
                }}
                onAction={(action) => void perform(action, { ids: [entry.id] })}
              />
            ))}
          </tbody>
        </table>
      </div>
      {entries.length === 0 && !result.fetching ? (
        <p className="muted" data-testid="queue-empty">
          {t('queue.empty')}
        </p>
      ) : null}
      {result.fetching ? <p className="muted">{t('common.loading')}</p> : null}

      <nav className="pager" aria-label={t('common.pagination')}>
        <button type="button" onClick={goPrevious} disabled={previous.length === 0} data-testid="page-prev">
          {t('common.previousPage')}
        </button>
        <span>{t('common.pageNumber', { page: previous.length + 1 })}</span>
        <button type="button" onClick={goNext} disabled={!page?.pageInfo.hasNextPage} data-testid="page-next">
          {t('common.nextPage')}
        </button>
      </nav>
      {confirmDialog}
    </main>
  );
}
