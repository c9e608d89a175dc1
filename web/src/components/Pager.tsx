// Forward cursor pages with a way back: the cursors of the pages seen are
// kept, so "Previous" returns to exactly the page the admin came from.
import { useState } from 'react';
import { useI18n } from '../i18n/index.tsx';

export interface CursorPages {
  after: string | null;
  page: number;
  next(endCursor: string | null | undefined): void;
  back(): void;
  reset(): void;
}

export function useCursorPages(): CursorPages {
  const [after, setAfter] = useState<string | null>(null);
  const [previous, setPrevious] = useState<(string | null)[]>([]);
  return {
    after,
    page: previous.length + 1,
    next: (endCursor) => {
      setPrevious([...previous, after]);
      setAfter(endCursor ?? null);
    },
    back: () => {
      setAfter(previous[previous.length - 1] ?? null);
      setPrevious(previous.slice(0, -1));
    },
    reset: () => {
      setAfter(null);
      setPrevious([]);
    },
  };
}

export function Pager({ pages, hasNextPage, endCursor, testIdPrefix }: {
  pages: CursorPages;
  hasNextPage: boolean;
  endCursor: string | null | undefined;
  testIdPrefix: string;
}) {
  const { t } = useI18n();
  return (
    <nav className="pager" aria-label={t('common.pagination')}>
      <button type="button" disabled={pages.page === 1} onClick={pages.back} data-testid={`${testIdPrefix}-prev`}>
        {t('common.previousPage')}
      </button>
      <span>{t('common.pageNumber', { page: pages.page })}</span>
      <button type="button" disabled={!hasNextPage} onClick={() => pages.next(endCursor)} data-testid={`${testIdPrefix}-next`}>
        {t('common.nextPage')}
      </button>
    </nav>
  );
}
