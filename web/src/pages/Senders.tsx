// Senders: mail users with their quotas and allowed senders, the stats of
// one sender address, and sender holds. A mail user sees only the stats of
// the senders they may use.
import { useState, type FormEvent } from 'react';
import { useSession } from '../api/session.tsx';
import { SenderHoldsSection } from '../components/SenderHolds.tsx';
import { StatsCharts } from '../components/StatsCharts.tsx';
import { UsersSection } from '../components/Users.tsx';
import { useI18n } from '../i18n/index.tsx';

export function SendersPage() {
  const { t } = useI18n();
  const { canRead, canAdmin } = useSession();
  const [draft, setDraft] = useState('');
  const [sender, setSender] = useState<string | null>(null);

  const show = (address: string) => {
    setDraft(address);
    setSender(address);
  };
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setSender(draft.trim() || null);
  };

  return (
    <main id="main" className="page">
      <h1>{t('nav.senders')}</h1>
      <form className="card search" onSubmit={submit} aria-label={t('senders.statsTitle')}>
        <label htmlFor="sender-stats-key">{t('senders.statsLabel')}</label>
        <input id="sender-stats-key" type="email" value={draft} onChange={(e) => setDraft(e.target.value)} placeholder="alice@example.org" data-testid="sender-stats-key" />
        <button type="submit" className="primary" data-testid="sender-stats-show">
          {t('senders.showStats')}
        </button>
      </form>
      {sender ? <StatsCharts key={sender} scope="SENDER" statsKey={sender} testId="sender-stats" /> : null}
      {canAdmin ? <UsersSection onShowStats={show} /> : null}
      {canRead ? <SenderHoldsSection /> : null}
    </main>
  );
}
