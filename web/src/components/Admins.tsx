// Admin accounts on the settings page: the list, an add form (the password is
// sent once and never shown again) and disable/enable. Your own account has
// no disable button: the API refuses it anyway (FORBIDDEN).
import { useState, type FormEvent } from 'react';
import { useMutation, useQuery } from 'urql';
import { useSession } from '../api/session.tsx';
import { graphql } from '../gql/index.ts';
import { useI18n } from '../i18n/index.tsx';
import { ErrorNote, ProblemNote, StatusNote, type ProblemData } from './Notice.tsx';

const AdminsDocument = graphql(`
  query Admins {
    admins(first: 100) {
      edges {
        node {
          login
          isDisabled
          createdAt
        }
      }
    }
  }
`);
const AddAdminDocument = graphql(`
  mutation AddAdmin($login: String!, $password: String!) {
    addAdmin(login: $login, password: $password) { admin { login } problem { code message } }
  }
`);
const DisableAdminDocument = graphql(`
  mutation DisableAdmin($login: String!) {
    disableAdmin(login: $login) { admin { login isDisabled } problem { code message } }
  }
`);
const EnableAdminDocument = graphql(`
  mutation EnableAdmin($login: String!) {
    enableAdmin(login: $login) { admin { login isDisabled } problem { code message } }
  }
`);

export function Admins() {
  const { t, fmt } = useI18n();
  const { viewer } = useSession();
  const [result, reexecute] = useQuery({ query: AdminsDocument });
  const [addState, addAdmin] = useMutation(AddAdminDocument);
  const [, disable] = useMutation(DisableAdminDocument);
  const [, enable] = useMutation(EnableAdminDocument);
  const [login, setLogin] = useState('');
  const [password, setPassword] = useState('');
  const [note, setNote] = useState<{ problem: ProblemData | null; text: string | null }>({ problem: null, text: null });

  const report = (problem: ProblemData | null, text: string | null) => {
    setNote({ problem, text });
    reexecute({ requestPolicy: 'network-only' });
  };
  const add = async (event: FormEvent) => {
    event.preventDefault();
    const r = await addAdmin({ login: login.trim(), password });
    const payload = r.data?.addAdmin;
    report(payload?.problem ?? null, payload?.admin ? t('admins.added', { login: payload.admin.login }) : null);
    if (payload?.admin) {
      setLogin('');
      setPassword('');
    }
  };
  const toggle = async (admin: { login: string; isDisabled: boolean }) => {
    const r = admin.isDisabled ? await enable({ login: admin.login }) : await disable({ login: admin.login });
    const payload = r.data && ('enableAdmin' in r.data ? r.data.enableAdmin : r.data.disableAdmin);
    report(payload?.problem ?? null, payload?.admin ? t(payload.admin.isDisabled ? 'users.disabled' : 'users.enabled', { login: admin.login }) : null);
  };

  const admins = result.data?.admins.edges.map((e) => e.node) ?? [];
  const own = viewer?.kind === 'admin' ? viewer.login : null;
  return (
    <section className="card" aria-labelledby="admins-title" data-testid="admins">
      <h2 id="admins-title">{t('admins.title')}</h2>
      <p className="muted">{t('admins.intro')}</p>
      <form className="form-grid" onSubmit={add} aria-label={t('admins.addTitle')}>
        <div className="field">
          <label htmlFor="admin-login">{t('users.login')}</label>
          <input id="admin-login" required autoComplete="off" value={login} onChange={(e) => setLogin(e.target.value)} data-testid="admin-login" />
        </div>
        <div className="field">
          <label htmlFor="admin-password">{t('users.password')}</label>
          <input
            id="admin-password"
            required
            minLength={10}
            type="password"
            autoComplete="new-password"
            aria-describedby="admin-password-hint"
            value={password}
            onChange={(e) => setPassword(e.target.value)}
            data-testid="admin-password"
          />
          <small id="admin-password-hint" className="muted">{t('admins.passwordHint')}</small>
        </div>
        <div className="field field-buttons">
          <button type="submit" className="primary" disabled={addState.fetching} data-testid="admin-add">{t('admins.add')}</button>
        </div>
      </form>
      <ErrorNote error={result.error ?? addState.error} />
      <ProblemNote problem={note.problem} />
      <StatusNote text={note.text} testId="admins-done" />
      <div className="table-wrap" tabIndex={0} role="region" aria-label={t('admins.title')}>
        <table className="data" data-testid="admins-table">
          <thead>
            <tr>
              <th scope="col">{t('users.login')}</th>
              <th scope="col">{t('users.status')}</th>
              <th scope="col">{t('users.created')}</th>
              <th scope="col">{t('queue.actions')}</th>
            </tr>
          </thead>
          <tbody>
            {admins.map((admin) => (
              <tr key={admin.login} data-testid="admin-row" data-login={admin.login} data-disabled={String(admin.isDisabled)}>
                <td className="mono">{admin.login}</td>
                <td>
                  <span className={`badge ${admin.isDisabled ? 'badge-bad' : 'badge-ok'}`}>{admin.isDisabled ? t('users.isDisabled') : t('users.isActive')}</span>
                </td>
                <td>{fmt.dateTime(admin.createdAt)}</td>
                <td>
                  {admin.login === own ? (
                    <span className="muted">{t('admins.you')}</span>
                  ) : (
                    <button type="button" className={admin.isDisabled ? '' : 'danger'} onClick={() => void toggle(admin)} data-testid={admin.isDisabled ? 'admin-enable' : 'admin-disable'}>
                      {admin.isDisabled ? t('users.enable') : t('users.disable')}
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
