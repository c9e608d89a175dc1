#!/usr/bin/env node
// Entry point of `npx relais …` in a checkout: TypeScript is loaded through tsx.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../server/cli.ts');
process.exitCode = await main(process.argv.slice(2));
