// Prints the GraphQL schema built from the Pothos code (schema/) to
// schema.graphql, the file codegen and API clients read. `--check`: exit 1
// when the committed file is not what the code builds.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { lexicographicSortSchema, printSchema } from 'graphql';
import { buildSchema } from '../schema/index.ts';

const file = join(import.meta.dirname, '..', 'schema.graphql');
const printed = `${printSchema(lexicographicSortSchema(buildSchema()))}\n`;
if (process.argv.includes('--check')) {
  let current = '';
  try {
    current = readFileSync(file, 'utf8');
  } catch {
    current = '';
  }
  if (current !== printed) {
    console.error('schema.graphql is stale: run `npm run schema` and commit it');
    process.exit(1);
  }
} else {
  writeFileSync(file, printed);
}
