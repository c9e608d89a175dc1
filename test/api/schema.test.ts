// The schema as a contract: schema.graphql is what the code builds (clients
// and codegen read that file), and no root field is left without an
// authorisation rule by accident.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { lexicographicSortSchema, printSchema, type GraphQLObjectType } from 'graphql';
import { describe, expect, it } from 'vitest';
import { buildSchema } from '../../schema/index.ts';

/** Root fields anyone may call: who am I, and logging in. */
const PUBLIC_FIELDS = new Set(['Query.me', 'Mutation.login']);

describe('GraphQL schema', () => {
  it('schema.graphql is current (run `npm run schema` after changing schema/)', () => {
    const committed = readFileSync(join(import.meta.dirname, '../../schema.graphql'), 'utf8');
    expect(committed).toBe(`${printSchema(lexicographicSortSchema(buildSchema()))}\n`);
  });

  it('states who may use every root field', () => {
    const schema = buildSchema();
    const unguarded: string[] = [];
    for (const root of [schema.getQueryType(), schema.getMutationType(), schema.getSubscriptionType()] as GraphQLObjectType[]) {
      for (const field of Object.values(root.getFields())) {
        const name = `${root.name}.${field.name}`;
        const options = (field.extensions as { pothosOptions?: { authScopes?: unknown } }).pothosOptions;
        if (!PUBLIC_FIELDS.has(name) && !options?.authScopes) unguarded.push(name);
      }
    }
    expect(unguarded).toEqual([]);
  });
});
