// Mail users: their allowed senders and quotas; add one, disable or enable,
// set quotas (empty: none) and allowed senders. A sender address links to its
// stats chart on the same page.
import { Fragment, useState, type FormEvent } from 'react';
import { useMutation, useQuery } from 'urql';
import { graphql } from '../gql/index.ts';
import type { UsersQuery } from '../gql/graphql.ts';
import { useI18n } from '../i18n/index.tsx';
import { ErrorNote, ProblemNote, StatusNote, type ProblemData } from './Notice.tsx';

const UsersDocument = graphql(`
  query Users($after: String) {
    users(first: 100, after: $after) {
      edges {
        node {
          login
          allowedSenders
          quotaPerHour
          quotaPerDay
          isDisabled
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

const AddUserDocument = graphql(`
  mutation AddUser($login: String!, $password: String!, $allowedSenders: [String!]!) {
    addUser(login: $login, password: $password, allowedSenders: $allowedSenders) { user { login } problem { code message } }
  }
`);
const DisableUserDocument = graphql(`
  mutation DisableUser($login: String!) {
    disableUser(login: $login) { user { login isDisabled } problem { code message } }
  }
`);
const EnableUserDocument = graphql(`
  mutation EnableUser($login: String!) {
    enableUser(login: $login) { user { login isDisabled } problem { code message } }
  }
`);
const SetUserQuotasDocument = graphql(`
  mutation SetUserQuotas($login: String!, $perHour: Int, $perDay: Int) {
    setUserQuotas(login: $login, perHour: $perHour, perDay: $perDay) { user { login quotaPerHour quotaPerDay } problem { code message } }
  }
`);
const SetUserSendersDocument = graphql(`
  mutation SetUserSenders($login: String!, $allowedSenders: [String!]!) {
    setUserSenders(login: $login, allowedSenders: $allowedSenders) { user { login allowedSenders } problem { code message } }
  }
`);

type User = UsersQuery['users']['edges'][number]['node'];

/** Addresses and @domains, one per line or separated by commas or spaces. */
const parseSenders = (text: string): string[] => text.split(/[\s,;]+/).map((s) => s.trim()).filter(Boolean);
/** An empty field lifts the quota (null); anything else must be a whole number. */
const parseQuota = (text: string): number | null => (text.trim() === '' ? null : Number.parseInt(text, 10));

function UserEditor({ user, onSaved }: { user: User; onSaved: (problem: ProblemData | null, text: string | null) => void }) {
  const { t } = useI18n();
  const [perHour, setPerHour] = useState(user.quotaPerHour?.toString() ?? '');
  const [perDay, setPerDay] = useState(user.quotaPerDay?.toString() ?? '');
  const [senders, setSenders] = useState(user.allowedSenders.join('\n'));
  const [, setQuotas] = useMutation(SetUserQuotasDocument);
  const [, setSendersOf] = useMutation(SetUserSendersDocument);

  const saveQuotas = async (event: FormEvent) => {
    event.preventDefault();
    const r = await setQuotas({ login: user.login, perHour: parseQuota(perHour), perDay: parseQuota(perDay) });
    const problem = r.data?.setUserQuotas.problem ?? null;
    onSaved(problem, problem || !r.data ? null : t('users.quotasSaved', { login: user.login }));
  };
  const saveSenders = async (event: FormEvent) => {
    event.preventDefault();
    const r = await setSendersOf({ login: user.login, allowedSenders: parseSenders(senders) });
    const problem = r.data?.setUserSenders.problem ?? null;
    onSaved(problem, problem || !r.data ? null : t('users.sendersSaved', { login: user.login }));
  };
  const id = (name: string) => `user-${user.login}-${name}`;

  return (
    <div className="editor">
      <form className="form-grid" onSubmit={saveQuotas} aria-label={t('users.quotasOf', { login: user.login })}>
        <div className="field">
          <label htmlFor={id('hour')}>{t('users.quotaPerHour')}</label>
          <input id={id('hour')} type="number" min={0} inputMode="numeric" value={perHour} onChange={(e) => setPerHour(e.target.value)} data-testid="quota-hour" />
        </div>
        <div className="field">
          <label htmlFor={id('day')}>{t('users.quotaPerDay')}</label>
          <input id={id('day')} type="number" min={0} inputMode="numeric" value={perDay} onChange={(e) => setPerDay(e.target.value)} data-testid="quota-day" />
        </div>
        <p className="muted">{t('users.quotaHint')}</p>
        <div className="field field-buttons">
          <button type="submit" className="primary" data-testid="quota-save">{t('users.saveQuotas')}</button>
        </div>
      </form>
      <form className="form-grid" onSubmit={saveSenders} aria-label={t('users.sendersOf', { login: user.login })}>
        <div className="field wide">
          <label htmlFor={id('senders')}>{t('users.allowedSenders')}</label>
          <textarea id={id('senders')} rows={3} value={senders} onChange={(e) => setSenders(e.target.value)} aria-describedby={id('senders-hint')} data-testid="senders-input" />
          <small id={id('senders-hint')} className="muted">{t('users.sendersHint')}</small>
        </div>
        <div className="field field-buttons">
          <button type="submit" className="primary" data-testid="senders-save">{t('users.saveSenders')}</button>
        </div>
      </form>
    </div>
  );
}

export function UsersSection({ onShowStats }: { onShowStats: (sender: string) => void }) {
  const { t, fmt } = useI18n();
  const [after, setAfter] = useState<string | null>(null);
  const [result, reexecute] = useQuery({ query: UsersDocument, variables: { after } });
  const [editing, setEditing] = useState<string | null>(null);
  const [note, setNote] = useState<{ problem: ProblemData | null; text: string | null }>({ problem: null, text: null });
  const [login, setLogin] = useState('');
  const [password, setPassword] = useState('');
  const [senders, setSenders] = useState('');
  const [addState, addUser] = useMutation(AddUserDocument);
  const [, disable] = useMutation(DisableUserDocument);
  const [, enable] = useMutation(EnableUserDocument);
  const refresh = () => reexecute({ requestPolicy: 'network-only' });
  const users = result.data?.users;

  const report = (problem: ProblemData | null, text: string | null) => {
    setNote({ problem, text });
    refresh();
  };
  const add = async (event: FormEvent) => {
    event.preventDefault();
    const r = await addUser({ login: login.trim(), password, allowedSenders: parseSenders(senders) });
    const payload = r.data?.addUser;
    report(payload?.problem ?? null, payload?.user ? t('users.added', { login: payload.user.login }) : null);
    if (payload?.user) {
      setLogin('');
      setPassword('');
      setSenders('');
    }
  };
  const toggle = async (user: User) => {
    const r = user.isDisabled ? await enable({ login: user.login }) : await disable({ login: user.login });
    const payload = r.data && ('enableUser' in r.data ? r.data.enableUser : r.data.disableUser);
    report(payload?.problem ?? null, payload?.user ? t(payload.user.isDisabled ? 'users.disabled' : 'users.enabled', { login: user.login }) : null);
  };

  return (
    <section className="card" aria-labelledby="users-title" data-testid="users">
      <h2 id="users-title">{t('users.title')}</h2>
      <form className="form-grid" onSubmit={add} aria-label={t('users.addTitle')}>
        <div className="field">
          <label htmlFor="user-login">{t('users.login')}</label>
          <input id="user-login" required autoComplete="off" value={login} onChange={(e) => setLogin(e.target.value)} data-testid="user-login" />
        </div>
        <div className="field">
          <label htmlFor="user-password">{t('users.password')}</label>
          <input id="user-password" required type="password" autoComplete="new-password" value={password} onChange={(e) => setPassword(e.target.value)} data-testid="user-password" />
        </div>
        <div className="field">
          <label htmlFor="user-senders">{t('users.allowedSenders')}</label>
          <input id="user-senders" required value={senders} onChange={(e) => setSenders(e.target.value)} placeholder="alice@example.org, @example.net" data-testid="user-senders" />
        </div>
        <div className="field field-buttons">
          <button type="submit" className="primary" disabled={addState.fetching} data-testid="user-add">{t('users.add')}</button>
        </div>
      </form>
      <ErrorNote error={result.error ?? addState.error} />
      <ProblemNote problem={note.problem} />
      <StatusNote text={note.text} testId="users-done" />
      <div className="table-wrap" tabIndex={0} role="region" aria-label={t('users.title')}>
        <table className="data" data-testid="users-table">
          <thead>
            <tr>
              <th scope="col">{t('users.login')}</th>
              <th scope="col">{t('users.allowedSenders')}</th>
              <th scope="col">{t('users.quotaPerHour')}</th>
              <th scope="col">{t('users.quotaPerDay')}</th>
              <th scope="col">{t('users.status')}</th>
              <th scope="col">{t('users.created')}</th>
              <th scope="col">{t('queue.actions')}</th>
            </tr>
          </thead>
          <tbody>
            {(users?.edges ?? []).map(({ node: user }) => (
              <Fragment key={user.login}>
                <tr data-testid="user-row" data-login={user.login}>
                  <td className="mono">{user.login}</td>
                  <td>
                    <ul className="chips">
                      {user.allowedSenders.map((s) => (
                        <li key={s}>
                          {s.startsWith('@') ? (
                            <span className="mono">{s}</span>
                          ) : (
                            <button type="button" className="link-button mono" onClick={() => onShowStats(s)} title={t('users.showStats', { sender: s })} data-testid="user-sender-stats">
                              {s}
                            </button>
                          )}
                        </li>
                      ))}
                    </ul>
                  </td>
                  <td data-testid="user-quota-hour">{user.quotaPerHour == null ? t('users.noQuota') : fmt.number(user.quotaPerHour)}</td>
                  <td data-testid="user-quota-day">{user.quotaPerDay == null ? t('users.noQuota') : fmt.number(user.quotaPerDay)}</td>
                  <td>
                    <span className={`badge ${user.isDisabled ? 'badge-bad' : 'badge-ok'}`} data-testid="user-status">
                      {user.isDisabled ? t('users.isDisabled') : t('users.isActive')}
                    </span>
                  </td>
                  <td>{fmt.date(user.createdAt)}</td>
                  <td>
                    <div className="row-actions">
                      <button type="button" aria-expanded={editing === user.login} onClick={() => setEditing(editing === user.login ? null : user.login)} data-testid="user-edit">
                        {t('users.edit')}
                      </button>
                      <button type="button" className={user.isDisabled ? '' : 'danger'} onClick={() => void toggle(user)} data-testid={user.isDisabled ? 'user-enable' : 'user-disable'}>
                        {user.isDisabled ? t('users.enable') : t('users.disable')}
                      </button>
                    </div>
                  </td>
                </tr>
                {editing === user.login ? (
                  <tr className="details-row">
                    <td colSpan={7}>
                      <UserEditor user={user} onSaved={report} />
                    </td>
                  </tr>
                ) : null}
              </Fragment>
            ))}
          </tbody>
        </table>
      </div>
      {users && users.edges.length === 0 ? <p className="muted">{t('users.none')}</p> : null}
      {users?.pageInfo.hasNextPage ? (
        <button type="button" onClick={() => setAfter(users.pageInfo.endCursor ?? null)} data-testid="users-next">{t('common.nextPage')}</button>
      ) : null}
    </section>
  );
}
