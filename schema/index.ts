// schema — the Pothos code-first GraphQL schema: builder.ts sets the builder
// up once, context.ts says who is asking, one file per type or area, and this
// index builds the schema. It maps GraphQL onto relay-core services and never
// touches the database itself.
import type { GraphQLSchema } from 'graphql';
import { builder } from './builder.ts';
import './problems.ts';
import './auth.ts';
import './senders.ts';
import './subscriptions.ts';
import './queue.ts';
import './suppressions.ts';
import './blacklist.ts';
import './users.ts';
import './stats.ts';
import './alerts.ts';
import './history.ts';
import './health.ts';
import './admins.ts';
import './federation.ts';

let schema: GraphQLSchema | undefined;

export function buildSchema(): GraphQLSchema {
  schema ??= builder.toSchema();
  return schema;
}
