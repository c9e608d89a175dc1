// The queue filter form: recipient state, envelope sender, destination domain
// and age. Applies on submit; every condition given must hold.
import { useState, type FormEvent } from 'react';
import type { QueueFilterInput, RecipientState } from '../gql/graphql.ts';
import { useI18n, type MessageKey } from '../i18n/index.tsx';

const STATES: readonly RecipientState[] = ['queued', 'active', 'deferred', 'held', 'delivered', 'bounced', 'expired'];

/** The conditions a filter holds; 0 means it matches everything (bulk-by-filter refuses that). */
export function conditionCount(filter: QueueFilterInput): number {
  return Object.values(filter).filter((v) => v !== undefined && v !== null).length;
}

export function QueueFilters({ onApply }: { onApply: (filter: QueueFilterInput) => void }) {
  const { t } = useI18n();
  const [state, setState] = useState<RecipientState | ''>('');
  const [sender, setSender] = useState('');
  const [domain, setDomain] = useState('');
  const [olderThan, setOlderThan] = useState('');

  const apply = (event: FormEvent) => {
    event.preventDefault();
    const filter: QueueFilterInput = {};
    if (state) filter.state = state;
    // "<>" is how Postfix writes the null sender of DSNs.
    if (sender.trim()) filter.sender = sender.trim() === '<>' ? '' : sender.trim();
    if (domain.trim()) filter.domain = domain.trim().toLowerCase();
    const minutes = Number.parseInt(olderThan, 10);
    if (Number.isFinite(minutes) && minutes > 0) filter.olderThanMinutes = minutes;
    onApply(filter);
  };
  const clear = () => {
    setState('');
    setSender('');
    setDomain('');
    setOlderThan('');
    onApply({});
  };

  return (
    <form className="filters" onSubmit={apply} aria-label={t('queue.filters')} data-testid="queue-filters">
      <div className="field">
        <label htmlFor="filter-state">{t('queue.state')}</label>
        <select id="filter-state" value={state} onChange={(e) => setState(e.target.value as RecipientState | '')} data-testid="filter-state">
          <option value="">{t('queue.anyState')}</option>
          {STATES.map((s) => (
            <option key={s} value={s}>
              {t(`state.${s}` as MessageKey)}
            </option>
          ))}
        </select>
      </div>
      <div className="field">
        <label htmlFor="filter-sender">{t('queue.sender')}</label>
        <input id="filter-sender" value={sender} onChange={(e) => setSender(e.target.value)} placeholder="alice@example.org" aria-describedby="filter-sender-hint" data-testid="filter-sender" />
        <small id="filter-sender-hint" className="muted">{t('queue.senderHint')}</small>
      </div>
      <div className="field">
        <label htmlFor="filter-domain">{t('queue.domain')}</label>
        <input id="filter-domain" value={domain} onChange={(e) => setDomain(e.target.value)} placeholder="example.com" data-testid="filter-domain" />
      </div>
      <div className="field">
        <label htmlFor="filter-older">{t('queue.olderThan')}</label>
        <input id="filter-older" type="number" min={1} inputMode="numeric" value={olderThan} onChange={(e) => setOlderThan(e.target.value)} data-testid="filter-older" />
      </div>
      <div className="field field-buttons">
        <button type="submit" className="primary" data-testid="filter-apply">
          {t('queue.applyFilter')}
        </button>
        <button type="button" onClick={clear} data-testid="filter-clear">
          {t('queue.clearFilter')}
        </button>
      </div>
    </form>
  );
}
