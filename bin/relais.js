#!/usr/bin/env -S node --max-semi-space-size=2
// Entry point of `npx relais …` in a checkout: TypeScript is loaded through tsx.
// --max-semi-space-size: a relay's garbage is short-lived (one SMTP
// transaction); a small young generation keeps the resident size near the
// live data at no measurable cost in throughput (BENCHMARKS.md).
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../server/cli.ts');
process.exitCode = await main(process.argv.slice(2));
