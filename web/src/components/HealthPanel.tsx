// The overview's health panel: /readyz, who is signed in, the database and
// listeners, and the certificate in use with the days left before it expires
// (a warning under 14 days, when a renewal is overdue for a CA certificate).
import { useEffect, useState } from 'react';
import { useQuery } from 'urql';
import { graphql } from '../gql/index.ts';
import { useI18n, type MessageKey } from '../i18n/index.tsx';
import { ErrorNote } from './Notice.tsx';
import { REFRESH_MS } from './StatsCharts.tsx';
import { useInterval } from './useInterval.ts';

const HealthDocument = graphql(`
  query Health {
    me {
      kind
      login
    }
    health {
      isDatabaseReachable
      isSmtpListening
      isHttpsEnabled
      certificateNotAfter
      certificateSubject
      isCertificateSelfSigned
    }
  }
`);

const DAY_MS = 86_400_000;
/** Fewer days left than this: renew now. */
export const CERTIFICATE_WARNING_DAYS = 14;

function Status({ isOk, testId }: { isOk: boolean; testId: string }) {
  const { t } = useI18n();
  return (
    <dd data-testid={testId} data-ok={String(isOk)}>
      <span className={`badge ${isOk ? 'badge-ok' : 'badge-bad'}`}>{isOk ? t('health.up') : t('health.down')}</span>
    </dd>
  );
}

export function HealthPanel() {
  const { t, fmt } = useI18n();
  const [result, reexecute] = useQuery({ query: HealthDocument, requestPolicy: 'network-only' });
  const [ready, setReady] = useState<boolean | null>(null);
  const check = () => {
    fetch('/readyz', { credentials: 'same-origin', cache: 'no-store' }).then(
      (res) => setReady(res.ok),
      () => setReady(false),
    );
  };
  useEffect(check, []);
  useInterval(() => {
    check();
    reexecute({ requestPolicy: 'network-only' });
  }, REFRESH_MS);
  const viewer = result.data?.me;
  const health = result.data?.health;
  const daysLeft = health ? Math.floor((new Date(health.certificateNotAfter).getTime() - Date.now()) / DAY_MS) : null;
  const isExpiring = daysLeft !== null && daysLeft < CERTIFICATE_WARNING_DAYS;
  return (
    <section className="card" aria-labelledby="health-title" data-testid="health">
      <h2 id="health-title">{t('health.title')}</h2>
      <dl className="facts">
        <dt>{t('health.ready')}</dt>
        <dd data-testid="health-ready" data-ready={ready === null ? '' : String(ready)}>
          <span className={`badge ${ready ? 'badge-ok' : ready === false ? 'badge-bad' : ''}`}>
            {ready === null ? t('common.loading') : ready ? t('health.isReady') : t('health.notReady')}
          </span>
        </dd>
        <dt>{t('health.viewer')}</dt>
        <dd data-testid="health-viewer">{viewer ? `${viewer.login ?? '—'} (${t(`viewer.${viewer.kind}` as MessageKey)})` : '—'}</dd>
        {health ? (
          <>
            <dt>{t('health.database')}</dt>
            <Status isOk={health.isDatabaseReachable} testId="health-database" />
            <dt>{t('health.smtp')}</dt>
            <Status isOk={health.isSmtpListening} testId="health-smtp" />
            <dt>{t('health.https')}</dt>
            <dd data-testid="health-https">{health.isHttpsEnabled ? t('common.yes') : t('health.plainHttp')}</dd>
            <dt>{t('health.certificate')}</dt>
            <dd data-testid="health-certificate" data-days-left={daysLeft ?? ''} data-expiring={String(isExpiring)}>
              <span className="mono">{health.certificateSubject}</span>
              {health.isCertificateSelfSigned ? <> <span className="badge badge-warn">{t('health.selfSigned')}</span></> : null}
              <br />
              <span className={isExpiring ? 'badge badge-warn' : undefined} data-testid="health-certificate-expiry">
                {daysLeft !== null && daysLeft < 0
                  ? t('health.certificateExpired', { date: fmt.dateTime(health.certificateNotAfter) })
                  : t('health.certificateExpires', { date: fmt.dateTime(health.certificateNotAfter), days: daysLeft ?? 0 })}
              </span>
            </dd>
          </>
        ) : null}
      </dl>
      <ErrorNote error={result.error} />
    </section>
  );
}
