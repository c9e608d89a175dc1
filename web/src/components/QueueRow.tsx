// One message of the queue table (its Subject as React text, never markup:
// it comes from whoever sent the mail), with its actions and, when expanded, its
// recipients: state, attempts, the last reply (code, enhanced status, text),
// the MX that gave it and whether it came over TLS, and for admins the
// recipient's attempt timeline from `bounceHistory`.
import { useId, useState } from 'react';
import type { QueuePageQuery } from '../gql/graphql.ts';
import { useI18n, type MessageKey } from '../i18n/index.tsx';
import { BounceHistoryPanel } from './BounceHistory.tsx';
import { POSTFIX_EQUIVALENT, QUEUE_ACTIONS, type QueueAction } from './queueActions.ts';

export type QueueEntry = QueuePageQuery['queueEntries']['edges'][number]['node'];

export const ACTION_LABELS: Record<QueueAction, MessageKey> = {
  retry: 'queue.actionRetry',
  hold: 'queue.actionHold',
  release: 'queue.actionRelease',
  delete: 'queue.actionDelete',
};

/** A button that says what it does and which Postfix command it stands for. */
export function ActionButton(props: { action: QueueAction; onClick: () => void; testId: string; label?: string; disabled?: boolean }) {
  const { t } = useI18n();
  return (
    <button
      type="button"
      className={`action ${props.action === 'delete' ? 'danger' : ''}`}
      onClick={props.onClick}
      disabled={props.disabled}
      data-testid={props.testId}
      data-action={props.action}
    >
      <span>{props.label ?? t(ACTION_LABELS[props.action])}</span> <code>{POSTFIX_EQUIVALENT[props.action]}</code>
    </button>
  );
}

interface QueueRowProps {
  entry: QueueEntry;
  isSelected: boolean;
  onSelect: (isSelected: boolean) => void;
  canAct: boolean;
  canRead: boolean;
  isBusy: boolean;
  onAction: (action: QueueAction) => void;
  columns: number;
}

function stateSummary(entry: QueueEntry): [string, number][] {
  const counts = new Map<string, number>();
  for (const r of entry.recipients) counts.set(r.state, (counts.get(r.state) ?? 0) + 1);
  return [...counts.entries()];
}

export function QueueRow({ entry, isSelected, onSelect, canAct, canRead, isBusy, onAction, columns }: QueueRowProps) {
  const { t, fmt } = useI18n();
  const [isOpen, setOpen] = useState(false);
  const [historyOf, setHistoryOf] = useState<string | null>(null);
  const detailsId = useId();
  const yesNo = (value: boolean | null | undefined) => (value == null ? '—' : value ? t('common.yes') : t('common.no'));

  return (
    <>
      <tr data-testid="queue-row" data-id={entry.id} className={isSelected ? 'selected' : undefined}>
        {canAct ? (
          <td>
            <input
              type="checkbox"
              checked={isSelected}
              onChange={(e) => onSelect(e.target.checked)}
              aria-label={t('queue.selectMessage', { id: entry.id })}
              data-testid="select-row"
            />
          </td>
        ) : null}
        <td>
          <button
            type="button"
            className="link-button mono"
            aria-expanded={isOpen}
            aria-controls={detailsId}
            onClick={() => setOpen(!isOpen)}
            data-testid="queue-details"
            title={isOpen ? t('queue.hideDetails') : t('queue.showDetails')}
          >
            <span aria-hidden="true">{isOpen ? '▾' : '▸'}</span> {entry.id}
          </button>
        </td>
        <td className="mono">{entry.mailFrom === '' ? t('queue.nullSender') : entry.mailFrom}</td>
        <td className="subject" data-testid="queue-subject" title={entry.subject ?? undefined}>
          {entry.subject == null ? <span className="muted">{t('queue.noSubject')}</span> : entry.subject}
        </td>
        <td>
          {fmt.number(entry.recipients.length)}{' '}
          {stateSummary(entry).map(([state, n]) => (
            <span key={state} className={`badge badge-${state}`}>
              {t(`state.${state}` as MessageKey)} {n}
            </span>
          ))}
        </td>
        <td>{fmt.dateTime(entry.receivedAt)}</td>
        <td>{fmt.bytes(entry.sizeBytes)}</td>
        <td>{entry.submittedBy ?? '—'}</td>
        {canAct ? (
          <td>
            <div className="row-actions">
              {QUEUE_ACTIONS.map((action) => (
                <ActionButton key={action} action={action} disabled={isBusy} onClick={() => onAction(action)} testId={`action-${action}`} />
              ))}
            </div>
          </td>
        ) : null}
      </tr>
      {isOpen ? (
        <tr className="details-row" data-testid="queue-details-panel" id={detailsId}>
          <td colSpan={columns}>
            <h3 className="details-title">{t('queue.recipientsOf', { id: entry.id })}</h3>
            <ul className="recipients">
              {entry.recipients.map((r) => (
                <li key={r.rcptTo} className="recipient" data-testid="recipient-row">
                  <div className="recipient-head">
                    <span className="mono">{r.rcptTo}</span> <span className={`badge badge-${r.state}`}>{t(`state.${r.state}` as MessageKey)}</span>
                  </div>
                  <dl className="facts">
                    <dt>{t('queue.lastReply')}</dt>
                    <dd data-testid="recipient-reply">
                      {r.lastReply ? (
                        <>
                          <span className="mono">{`${r.lastReply.code}${r.lastReply.enhanced ? ` ${r.lastReply.enhanced}` : ''}`}</span>{' '}
                          <span className="reply-text">{r.lastReply.text}</span>
                        </>
                      ) : (
                        '—'
                      )}
                    </dd>
                    <dt>{t('queue.mx')}</dt>
                    <dd className="mono">{r.lastMx ?? '—'}</dd>
                    <dt>{t('queue.tls')}</dt>
                    <dd>{yesNo(r.isLastTls)}</dd>
                    <dt>{t('queue.attempts')}</dt>
                    <dd>{fmt.number(r.attempts)}</dd>
                    <dt>{t('queue.lastAttempt')}</dt>
                    <dd>{fmt.dateTime(r.lastAttemptAt)}</dd>
                    <dt>{t('queue.nextAttempt')}</dt>
                    <dd>{fmt.dateTime(r.nextAttemptAt)}</dd>
                  </dl>
                  {canRead ? (
                    <button
                      type="button"
                      aria-expanded={historyOf === r.rcptTo}
                      onClick={() => setHistoryOf(historyOf === r.rcptTo ? null : r.rcptTo)}
                      data-testid="recipient-history-toggle"
                    >
                      {historyOf === r.rcptTo ? t('queue.hideHistory') : t('queue.showHistory')}
                    </button>
                  ) : null}
                </li>
              ))}
            </ul>
            {historyOf ? (
              <section className="history-box" aria-label={t('queue.historyOf', { address: historyOf })}>
                <h4>{t('queue.historyOf', { address: historyOf })}</h4>
                <BounceHistoryPanel address={historyOf} parts={['attempts']} maxAttempts={20} />
              </section>
            ) : null}
          </td>
        </tr>
      ) : null}
    </>
  );
}
