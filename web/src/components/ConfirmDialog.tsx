// A modal confirmation on the native <dialog>: focus moves into it and stays
// there, Escape cancels, the page behind is inert. `useConfirm` returns a
// function that opens it and resolves to the answer, and the element to render.
import { useCallback, useEffect, useId, useRef, useState, type ReactNode } from 'react';
import { useI18n } from '../i18n/index.tsx';

export interface ConfirmRequest {
  title: string;
  message: string;
  confirmLabel: string;
}

function ConfirmDialog(props: ConfirmRequest & { onAnswer: (isConfirmed: boolean) => void }) {
  const { t } = useI18n();
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  const messageId = useId();
  useEffect(() => {
    const dialog = ref.current;
    if (dialog && !dialog.open) dialog.showModal();
  }, []);
  return (
    <dialog
      ref={ref}
      className="dialog"
      aria-labelledby={titleId}
      aria-describedby={messageId}
      data-testid="confirm-dialog"
      onCancel={(event) => {
        event.preventDefault();
        props.onAnswer(false);
      }}
    >
      <h2 id={titleId}>{props.title}</h2>
      <p id={messageId}>{props.message}</p>
      <div className="dialog-actions">
        {/* The safe answer has the focus: Enter does not delete. */}
        <button type="button" autoFocus onClick={() => props.onAnswer(false)} data-testid="confirm-cancel">
          {t('common.cancel')}
        </button>
        <button type="button" className="danger" onClick={() => props.onAnswer(true)} data-testid="confirm-ok">
          {props.confirmLabel}
        </button>
      </div>
    </dialog>
  );
}

export function useConfirm(): [(request: ConfirmRequest) => Promise<boolean>, ReactNode] {
  const [pending, setPending] = useState<{ request: ConfirmRequest; resolve: (answer: boolean) => void } | null>(null);
  const confirm = useCallback(
    (request: ConfirmRequest) => new Promise<boolean>((resolve) => setPending({ request, resolve })),
    [],
  );
  const element = pending ? (
    <ConfirmDialog
      {...pending.request}
      onAnswer={(answer) => {
        pending.resolve(answer);
        setPending(null);
      }}
    />
  ) : null;
  return [confirm, element];
}
