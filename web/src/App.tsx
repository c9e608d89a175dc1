// The console's shell: language, session, the header with navigation and the
// language switch, and the page for the current path. Nobody signed in: the
// login page, whatever the path, so a reload after login lands where it was.
import { SessionProvider, useSession, type Viewer } from './api/session.tsx';
import { AlertFeedProvider } from './components/AlertFeed.tsx';
import { I18nProvider, LANGS, useI18n, type Lang, type MessageKey } from './i18n/index.tsx';
import { AlertsPage } from './pages/Alerts.tsx';
import { LoginPage } from './pages/Login.tsx';
import { OverviewPage } from './pages/Overview.tsx';
import { QueuePage } from './pages/Queue.tsx';
import { SendersPage } from './pages/Senders.tsx';
import { SettingsPage } from './pages/Settings.tsx';
import { SuppressionsPage } from './pages/Suppressions.tsx';
import { Link, ROUTE_PATHS, routeOf, usePath, type Route } from './router.tsx';

const NAV: { route: Route; label: MessageKey }[] = [
  { route: 'overview', label: 'nav.overview' },
  { route: 'queue', label: 'nav.queue' },
  { route: 'suppressions', label: 'nav.suppressions' },
  { route: 'senders', label: 'nav.senders' },
  { route: 'alerts', label: 'nav.alerts' },
  { route: 'settings', label: 'nav.settings' },
];

/** What each kind of viewer may open: a mail user sees their own queue and sender stats. */
function mayOpen(viewer: Viewer, route: Route): boolean {
  if (viewer.kind === 'admin') return true;
  if (viewer.kind === 'reader') return route !== 'settings';
  return route === 'overview' || route === 'queue' || route === 'senders';
}

function LanguageSwitch() {
  const { lang, setLang, t } = useI18n();
  return (
    <div className="lang-switch">
      <label htmlFor="lang-switch">{t('header.language')}</label>
      <select id="lang-switch" value={lang} onChange={(e) => setLang(e.target.value as Lang)} data-testid="lang-switch">
        {LANGS.map((l) => (
          <option key={l} value={l} lang={l}>
            {t(`lang.${l}` as MessageKey)}
          </option>
        ))}
      </select>
    </div>
  );
}

function Header() {
  const { t } = useI18n();
  const { viewer, logOut } = useSession();
  return (
    <header className="header">
      <a className="skip-link" href="#main">
        {t('header.skip')}
      </a>
      <div className="header-top">
        <span className="brand">{t('app.title')}</span>
        <div className="header-tools">
          <LanguageSwitch />
          {viewer ? (
            <>
              <span className="viewer" data-testid="viewer">
                {viewer.login ?? '—'} · {t(`viewer.${viewer.kind}` as MessageKey)}
              </span>
              <button type="button" onClick={() => void logOut()} data-testid="logout">
                {t('header.logout')}
              </button>
            </>
          ) : null}
        </div>
      </div>
      {viewer ? (
        <nav aria-label={t('header.nav')} className="nav">
          <ul>
            {NAV.filter((item) => mayOpen(viewer, item.route)).map((item) => (
              <li key={item.route}>
                <Link to={ROUTE_PATHS[item.route]} testId={`nav-${item.route}`}>
                  {t(item.label)}
                </Link>
              </li>
            ))}
          </ul>
        </nav>
      ) : null}
    </header>
  );
}

function CurrentPage({ viewer }: { viewer: Viewer }) {
  const { t } = useI18n();
  const route = routeOf(usePath());
  if (!route || !mayOpen(viewer, route)) {
    return (
      <main id="main" className="page" data-testid="not-found">
        <h1>{route ? t('page.forbidden') : t('page.notFound')}</h1>
        <Link to={ROUTE_PATHS.overview}>{t('page.backHome')}</Link>
      </main>
    );
  }
  switch (route) {
    case 'overview':
      return <OverviewPage />;
    case 'queue':
      return <QueuePage />;
    case 'suppressions':
      return <SuppressionsPage />;
    case 'senders':
      return <SendersPage />;
    case 'alerts':
      return <AlertsPage />;
    case 'settings':
      return <SettingsPage />;
  }
}

function Shell() {
  const { t } = useI18n();
  const { viewer } = useSession();
  if (viewer === undefined) {
    return (
      <p className="loading" role="status">
        {t('common.loading')}
      </p>
    );
  }
  if (viewer === null) {
    return (
      <>
        <Header />
        <LoginPage />
      </>
    );
  }
  return (
    <AlertFeedProvider>
      <Header />
      <CurrentPage viewer={viewer} />
    </AlertFeedProvider>
  );
}

export function App() {
  return (
    <I18nProvider>
      <SessionProvider>
        <Shell />
      </SessionProvider>
    </I18nProvider>
  );
}
