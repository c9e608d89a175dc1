/** A refused account, session or token change; `message` is safe to show to whoever asked. */
export class AccountError extends Error {
  readonly code: 'INVALID_INPUT' | 'CONFLICT' | 'NOT_FOUND';

  constructor(code: 'INVALID_INPUT' | 'CONFLICT' | 'NOT_FOUND', message: string) {
    super(message);
    this.code = code;
  }
}
