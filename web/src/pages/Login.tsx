// Sign-in: the `login` mutation sets the session cookie. Shows the problem the
// API gave (wrong login or password, throttled), and a notice when the
// previous session expired.
import { useState, type FormEvent } from 'react';
import { useSession } from '../api/session.tsx';
import { useI18n } from '../i18n/index.tsx';

export function LoginPage() {
  const { t } = useI18n();
  const { logIn, isSessionExpired } = useSession();
  const [login, setLogin] = useState('');
  const [password, setPassword] = useState('');
  const [problem, setProblem] = useState<{ code: string; message: string } | null>(null);
  const [isBusy, setBusy] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setProblem(null);
    try {
      const refused = await logIn(login.trim(), password);
      if (refused) {
        setProblem(refused);
        setPassword('');
      }
    } finally {
      setBusy(false);
    }
  };

  return (
    <main className="login" id="main">
      <form className="card login-card" onSubmit={submit} data-testid="login-form" aria-labelledby="login-title">
        <h1 id="login-title">{t('login.title')}</h1>
        {isSessionExpired && !problem ? (
          <p className="notice notice-warn" role="status" data-testid="session-expired">
            {t('login.sessionExpired')}
          </p>
        ) : null}
        <label htmlFor="login-login">{t('login.login')}</label>
        <input
          id="login-login"
          name="username"
          autoComplete="username"
          required
          value={login}
          onChange={(e) => setLogin(e.target.value)}
          data-testid="login-login"
        />
        <label htmlFor="login-password">{t('login.password')}</label>
        <input
          id="login-password"
          name="password"
          type="password"
          autoComplete="current-password"
          required
          value={password}
          onChange={(e) => setPassword(e.target.value)}
          data-testid="login-password"
        />
        {problem ? (
          <p className="notice notice-error" role="alert" data-testid="login-problem">
            {problem.message ? t('login.refusedWith', { message: problem.message }) : t('login.refused')}
          </p>
        ) : null}
        <button type="submit" className="primary" disabled={isBusy} data-testid="login-submit">
          {isBusy ? t('login.signingIn') : t('login.submit')}
        </button>
      </form>
    </main>
  );
}
