// Static list of migrations: discovery by path breaks under vitest and tsx
// (".ts" files), so each migration is listed here once, in order.
import type { MigrationObject } from '@mikro-orm/core';
import { Migration20261128000000 } from '../../migrations/Migration20261128000000.ts';
import { Migration20261128100000 } from '../../migrations/Migration20261128100000.ts';
import { Migration20261128110000 } from '../../migrations/Migration20261128110000.ts';
import { Migration20261128120000 } from '../../migrations/Migration20261128120000.ts';
import { Migration20261128130000 } from '../../migrations/Migration20261128130000.ts';
import { Migration20261128140000 } from '../../migrations/Migration20261128140000.ts';
import { Migration20261128150000 } from '../../migrations/Migration20261128150000.ts';
import { Migration20261128160000 } from '../../migrations/Migration20261128160000.ts';

export const MIGRATIONS: MigrationObject[] = [
  { name: 'Migration20261128000000', class: Migration20261128000000 },
  { name: 'Migration20261128100000', class: Migration20261128100000 },
  { name: 'Migration20261128110000', class: Migration20261128110000 },
  { name: 'Migration20261128120000', class: Migration20261128120000 },
  { name: 'Migration20261128130000', class: Migration20261128130000 },
  { name: 'Migration20261128140000', class: Migration20261128140000 },
  { name: 'Migration20261128150000', class: Migration20261128150000 },
  { name: 'Migration20261128160000', class: Migration20261128160000 },
];
