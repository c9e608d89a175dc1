// Settings: admin accounts (components/Admins.tsx), and API tokens for scripts (Authorization: Bearer rlt_…). A new
// token's secret is shown once, with a copy button; the relay keeps only its
// hash. Revoking asks first.
import { useState, type FormEvent } from 'react';
import { useMutation, useQuery } from 'urql';
import { Admins } from '../components/Admins.tsx';
import { useConfirm } from '../components/ConfirmDialog.tsx';
import { ErrorNote, ProblemNote, StatusNote, type ProblemData } from '../components/Notice.tsx';
import { graphql } from '../gql/index.ts';
import type { TokenScope } from '../gql/graphql.ts';
import { useI18n, type MessageKey } from '../i18n/index.tsx';

const ApiTokensDocument = graphql(`
  query ApiTokens {
    apiTokens(first: 100) {
      edges {
        node {
          id
          name
          scope
          createdBy
          createdAt
          lastUsedAt
          revokedAt
        }
      }
    }
  }
`);
const CreateApiTokenDocument = graphql(`
  mutation CreateApiToken($name: String!, $scope: TokenScope!) {
    createApiToken(name: $name, scope: $scope) { secret token { id name } problem { code message } }
  }
`);
const RevokeApiTokenDocument = graphql(`
  mutation RevokeApiToken($id: ID!) {
    revokeApiToken(id: $id) { token { id revokedAt } problem { code message } }
  }
`);

const SCOPES: readonly TokenScope[] = ['read', 'admin'];

function NewSecret({ name, secret, onDone }: { name: string; secret: string; onDone: () => void }) {
  const { t } = useI18n();
  const [copied, setCopied] = useState<string | null>(null);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(secret);
      setCopied(t('tokens.copied'));
    } catch (err) {
      // No clipboard (plain HTTP, permission refused): the secret stays on screen to copy by hand.
      console.warn('relais: clipboard refused', err);
      setCopied(t('tokens.copyFailed'));
    }
  };
  return (
    <div className="secret card" data-testid="token-secret-box" role="region" aria-labelledby="secret-title">
      <h3 id="secret-title">{t('tokens.secretTitle', { name })}</h3>
      <p>{t('tokens.secretOnce')}</p>
      <div className="secret-row">
        <label htmlFor="token-secret" className="visually-hidden">{t('tokens.secret')}</label>
        <input id="token-secret" readOnly value={secret} className="mono" onFocus={(e) => e.target.select()} data-testid="token-secret" />
        <button type="button" className="primary" onClick={() => void copy()} data-testid="token-copy">
          {t('tokens.copy')}
        </button>
      </div>
      <StatusNote text={copied} testId="token-copied" />
      <button type="button" onClick={onDone} data-testid="token-secret-done">{t('tokens.secretDone')}</button>
    </div>
  );
}

export function SettingsPage() {
  const { t, fmt } = useI18n();
  const [confirm, confirmDialog] = useConfirm();
  const [result, reexecute] = useQuery({ query: ApiTokensDocument });
  const [createState, create] = useMutation(CreateApiTokenDocument);
  const [, revoke] = useMutation(RevokeApiTokenDocument);
  const [name, setName] = useState('');
  const [scope, setScope] = useState<TokenScope>('read');
  const [created, setCreated] = useState<{ name: string; secret: string } | null>(null);
  const [problem, setProblem] = useState<ProblemData | null>(null);
  const refresh = () => reexecute({ requestPolicy: 'network-only' });

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const r = await create({ name: name.trim(), scope });
    const payload = r.data?.createApiToken;
    setProblem(payload?.problem ?? null);
    if (payload?.secret && payload.token) {
      setCreated({ name: payload.token.name, secret: payload.secret });
      setName('');
    }
    refresh();
  };
  const revokeOne = async (id: string, tokenName: string) => {
    const isConfirmed = await confirm({ title: t('tokens.confirmRevokeTitle'), message: t('tokens.confirmRevoke', { name: tokenName }), confirmLabel: t('tokens.revoke') });
    if (!isConfirmed) return;
    const r = await revoke({ id });
    setProblem(r.data?.revokeApiToken.problem ?? null);
    refresh();
  };

  const tokens = result.data?.apiTokens.edges.map((e) => e.node) ?? [];
  return (
    <main id="main" className="page">
      <h1>{t('nav.settings')}</h1>
      <Admins />
      <section className="card" aria-labelledby="tokens-title" data-testid="api-tokens">
        <h2 id="tokens-title">{t('tokens.title')}</h2>
        <p className="muted">{t('tokens.intro')}</p>
        <form className="form-grid" onSubmit={submit} aria-label={t('tokens.createTitle')}>
          <div className="field">
            <label htmlFor="token-name">{t('tokens.name')}</label>
            <input id="token-name" required value={name} onChange={(e) => setName(e.target.value)} data-testid="token-name" />
          </div>
          <div className="field">
            <label htmlFor="token-scope">{t('tokens.scope')}</label>
            <select id="token-scope" value={scope} onChange={(e) => setScope(e.target.value as TokenScope)} data-testid="token-scope">
              {SCOPES.map((s) => (
                <option key={s} value={s}>{t(`tokenScope.${s}` as MessageKey)}</option>
              ))}
            </select>
          </div>
          <div className="field field-buttons">
            <button type="submit" className="primary" disabled={createState.fetching} data-testid="token-create">{t('tokens.create')}</button>
          </div>
        </form>
        {created ? <NewSecret name={created.name} secret={created.secret} onDone={() => setCreated(null)} /> : null}
        <ErrorNote error={result.error ?? createState.error} />
        <ProblemNote problem={problem} />
        <div className="table-wrap" tabIndex={0} role="region" aria-label={t('tokens.title')}>
          <table className="data" data-testid="tokens-table">
            <thead>
              <tr>
                <th scope="col">{t('tokens.name')}</th>
                <th scope="col">{t('tokens.scope')}</th>
                <th scope="col">{t('common.by')}</th>
                <th scope="col">{t('users.created')}</th>
                <th scope="col">{t('tokens.lastUsed')}</th>
                <th scope="col">{t('tokens.revokedAt')}</th>
                <th scope="col">{t('queue.actions')}</th>
              </tr>
            </thead>
            <tbody>
              {tokens.map((token) => (
                <tr key={token.id} data-testid="token-row" data-id={token.id} data-revoked={token.revokedAt ? 'true' : 'false'}>
                  <td>{token.name}</td>
                  <td>{t(`tokenScope.${token.scope}` as MessageKey)}</td>
                  <td>{token.createdBy}</td>
                  <td>{fmt.dateTime(token.createdAt)}</td>
                  <td>{fmt.dateTime(token.lastUsedAt)}</td>
                  <td>{fmt.dateTime(token.revokedAt)}</td>
                  <td>
                    {token.revokedAt ? null : (
                      <button type="button" className="danger" onClick={() => void revokeOne(token.id, token.name)} data-testid="token-revoke">
                        {t('tokens.revoke')}
                      </button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        {result.data && tokens.length === 0 ? <p className="muted">{t('tokens.none')}</p> : null}
      </section>
      {confirmDialog}
    </main>
  );
}
