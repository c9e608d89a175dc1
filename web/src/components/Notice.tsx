// How a failed request, a typed problem or an outcome is shown: errors and
// problems as role="alert", outcomes as role="status". Always React text:
// messages can quote mail data.
import type { CombinedError } from 'urql';
import { errorText } from '../api/client.ts';
import { useI18n } from '../i18n/index.tsx';

export interface ProblemData {
  code: string;
  message: string;
}

export function ErrorNote({ error, testId }: { error: CombinedError | undefined; testId?: string }) {
  const { t } = useI18n();
  if (!error) return null;
  return (
    <p className="notice notice-error" role="alert" data-testid={testId ?? 'error'}>
      {t('common.requestFailed', { message: errorText(error) })}
    </p>
  );
}

export function ProblemNote({ problem, testId }: { problem: ProblemData | null | undefined; testId?: string }) {
  const { t } = useI18n();
  if (!problem) return null;
  return (
    <p className="notice notice-error" role="alert" data-testid={testId ?? 'problem'}>
      {t('common.problem', { code: problem.code, message: problem.message })}
    </p>
  );
}

export function StatusNote({ text, testId }: { text: string | null; testId?: string }) {
  if (!text) return null;
  return (
    <p className="notice notice-ok" role="status" data-testid={testId ?? 'status'}>
      {text}
    </p>
  );
}
