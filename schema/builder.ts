// The one Pothos builder: relay connections and scope-based authorisation.
// Scopes: `admin` (admin session or admin token), `read` (admin or read-scope
// token), `user` (a mail user, for their own data), `signedIn` (anyone but
// anonymous, not a peer), `peer` (a federation peer, by its signed request:
// the feed only). Every root field states its scopes; a field without any would
// be public, so the schema test checks that each one has them.
import SchemaBuilder from '@pothos/core';
import RelayPlugin from '@pothos/plugin-relay';
import ScopeAuthPlugin from '@pothos/plugin-scope-auth';
import type { ApiContext } from './context.ts';

export interface Scopes {
  admin: boolean;
  read: boolean;
  user: boolean;
  signedIn: boolean;
  peer: boolean;
}

export const builder = new SchemaBuilder<{
  Context: ApiContext;
  AuthScopes: Scopes;
  Scalars: { DateTime: { Input: Date; Output: Date } };
  DefaultFieldNullability: false;
}>({
  plugins: [ScopeAuthPlugin, RelayPlugin],
  defaultFieldNullability: false,
  scopeAuth: {
    authorizeOnSubscribe: true,
    authScopes: (context) => ({
      admin: context.viewer.kind === 'admin',
      read: context.viewer.kind === 'admin' || context.viewer.kind === 'reader',
      user: context.viewer.kind === 'user',
      signedIn: context.viewer.kind !== 'anonymous' && context.viewer.kind !== 'peer',
      peer: context.viewer.kind === 'peer',
    }),
  },
  relay: { clientMutationId: 'omit', cursorType: 'String' },
});

builder.scalarType('DateTime', {
  description: 'A point in time, ISO 8601 in UTC.',
  serialize: (value) => value.toISOString(),
  parseValue: (value) => {
    const date = typeof value === 'string' ? new Date(value) : null;
    if (!date || Number.isNaN(date.getTime())) throw new TypeError('DateTime must be an ISO 8601 string');
    return date;
  },
});

builder.queryType({});
builder.mutationType({});
builder.subscriptionType({});
