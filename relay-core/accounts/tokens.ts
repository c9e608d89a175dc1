// API tokens for scripts: `rlt_…`, shown once at creation, stored hashed,
// scoped `read` (queries and subscriptions) or `admin` (everything), revocable.
import type { Db } from '../db/index.ts';
import { AccountError } from './errors.ts';
import { isSecretShaped, newSecret, secretHash } from './secrets.ts';

export type TokenScope = 'read' | 'admin';

export interface ApiToken {
  id: string;
  name: string;
  scope: TokenScope;
  createdBy: string;
  createdAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
}

const PREFIX = 'rlt_';
const SCOPES: readonly TokenScope[] = ['read', 'admin'];

interface TokenRow {
  id: string | number;
  name: string;
  scope: TokenScope;
  created_by: string;
  created_at: Date;
  last_used_at: Date | null;
  revoked_at: Date | null;
}

function toToken(r: TokenRow): ApiToken {
  return {
    id: String(r.id), name: r.name, scope: r.scope, createdBy: r.created_by, createdAt: new Date(r.created_at),
    lastUsedAt: r.last_used_at ? new Date(r.last_used_at) : null, revokedAt: r.revoked_at ? new Date(r.revoked_at) : null,
  };
}

export class ApiTokens {
  readonly #db: Db;

  constructor(options: { db: Db }) {
    this.#db = options.db;
  }

  /** Creates a token; the secret is in the result and nowhere else, ever. */
  async create(input: { name: string; scope: string; by: string }): Promise<{ secret: string; token: ApiToken }> {
    const name = input.name.trim();
    if (!name || name.length > 100 || /[\x00-\x1f\x7f]/.test(name)) {
      throw new AccountError('INVALID_INPUT', 'a token name is 1-100 printable characters');
    }
    if (!SCOPES.includes(input.scope as TokenScope)) throw new AccountError('INVALID_INPUT', `unknown scope "${input.scope.slice(0, 20)}": use read or admin`);
    const secret = newSecret(PREFIX);
    const rows = await this.#db.query<TokenRow>(
      'insert into api_token (name, token_hash, scope, created_by) values (?, ?, ?, ?) returning *',
      [name, secretHash(secret), input.scope, input.by],
    );
    return { secret, token: toToken(rows[0]!) };
  }

  /** The live token behind a secret, or null; notes when it was last used (at most once a minute). */
  async resolve(secret: string): Promise<ApiToken | null> {
    if (!isSecretShaped(secret, PREFIX)) return null;
    const rows = await this.#db.query<TokenRow>('select * from api_token where token_hash = ? and revoked_at is null', [secretHash(secret)]);
    const row = rows[0];
    if (!row) return null;
    if (!row.last_used_at || Date.now() - new Date(row.last_used_at).getTime() > 60_000) {
      await this.#db.query('update api_token set last_used_at = now() where id = ?', [row.id]);
    }
    return toToken(row);
  }

  async list(): Promise<ApiToken[]> {
    return (await this.#db.query<TokenRow>('select * from api_token order by id')).map(toToken);
  }

  async revoke(id: string): Promise<ApiToken> {
    if (!/^\d{1,18}$/.test(id)) throw new AccountError('NOT_FOUND', `no token ${id.slice(0, 30)}`);
    const rows = await this.#db.query<TokenRow>('update api_token set revoked_at = coalesce(revoked_at, now()) where id = ? returning *', [id]);
    if (!rows[0]) throw new AccountError('NOT_FOUND', `no token ${id}`);
    return toToken(rows[0]);
  }
}
