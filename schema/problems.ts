// Expected failures are data, not exceptions: every mutation payload carries
// `problem` (null on success) with a closed set of codes, so clients can
// switch on it. Unexpected errors stay exceptions and are masked by the server.
import { AccountError } from '../relay-core/accounts/index.ts';
import { AlertError } from '../relay-core/alerts/index.ts';
import { AnomalyError } from '../relay-core/anomaly/index.ts';
import { UserError } from '../relay-core/auth/index.ts';
import { FederationError } from '../relay-core/federation/index.ts';
import { BlacklistError, SuppressionError } from '../relay-core/policy/index.ts';
import { QueueError } from '../relay-core/queue/index.ts';
import { builder } from './builder.ts';

export type ProblemCode = 'INVALID_INPUT' | 'NOT_FOUND' | 'FORBIDDEN' | 'CONFLICT' | 'THROTTLED';

export interface Problem {
  code: ProblemCode;
  message: string;
}

export const ProblemCodeRef = builder.enumType('ProblemCode', {
  values: ['INVALID_INPUT', 'NOT_FOUND', 'FORBIDDEN', 'CONFLICT', 'THROTTLED'] as const,
});

export const ProblemRef = builder.objectRef<Problem>('Problem').implement({
  description: 'Why a mutation did not do what was asked.',
  fields: (t) => ({
    code: t.expose('code', { type: ProblemCodeRef }),
    message: t.exposeString('message'),
  }),
});

export const problem = (code: ProblemCode, message: string): { problem: Problem } => ({ problem: { code, message } });

/** The Problem behind a known service error; anything else is rethrown (and masked). */
export function problemOf(err: unknown): { problem: Problem } {
  if (
    err instanceof AccountError || err instanceof UserError || err instanceof BlacklistError || err instanceof SuppressionError
    || err instanceof QueueError || err instanceof AlertError || err instanceof AnomalyError || err instanceof FederationError
  ) {
    const code = err.code === 'CONFLICT' ? 'CONFLICT' : err.code === 'NOT_FOUND' ? 'NOT_FOUND' : 'INVALID_INPUT';
    return problem(code, err.message);
  }
  throw err;
}

/** Runs a service call, turning its known errors into a Problem. */
export async function attempt<T extends object>(run: () => Promise<T>): Promise<T | { problem: Problem }> {
  try {
    return await run();
  } catch (err) {
    return problemOf(err);
  }
}
