// Reading and acknowledging alerts. Raising them stays with the facts behind
// them (alert-sql.ts, in the queue's and returns' transactions); this is what
// an admin does afterwards: list them, newest first, and say "seen".
// Acknowledging is kept once: the first admin and time stay, a second
// acknowledgement changes nothing, so two consoles cannot overwrite each other.
import type { Db } from '../db/index.ts';

export interface Alert {
  id: string;
  /** `policy-block`, `complaint`, `spike` (see AlertKind); kept as stored, so a newer kind still lists. */
  kind: string;
  /** The destination domain or the sender the alert is about. */
  subject: string;
  /** What the raiser recorded (reply code and text, feedback type…); keys depend on the kind. */
  detail: Record<string, unknown>;
  raisedAt: Date;
  acknowledgedAt: Date | null;
  acknowledgedBy: string | null;
}

export interface AlertFilter {
  /** Alerts of this kind only. */
  kind?: string;
  /** Only alerts nobody has acknowledged yet. */
  isUnacknowledgedOnly?: boolean;
}

export interface AlertListOptions extends AlertFilter {
  /** Most alerts returned; default 100, at most 1000. */
  limit?: number;
  /** Cursor: the id of the last alert of the previous page (pages go from newest to oldest). */
  after?: string;
}

/** A refused alert request; `message` is safe to show to whoever asked. */
export class AlertError extends Error {
  readonly code: 'INVALID_INPUT' | 'NOT_FOUND';

  constructor(code: 'INVALID_INPUT' | 'NOT_FOUND', message: string) {
    super(message);
    this.code = code;
  }
}

const MAX_LIMIT = 1000;
const ID = /^[1-9][0-9]{0,17}$/;
// A kind is checked for shape, not against a list: kinds are added by other areas.
const KIND = /^[a-z][a-z0-9-]{0,39}$/;
const CONTROL = /[\x00-\x1f\x7f-\x9f\u2028\u2029]/;
const MAX_BY_CHARS = 200;
const COLUMNS = 'id::text as id, kind, subject, detail, raised_at, acknowledged_at, acknowledged_by';

interface AlertRow {
  id: string;
  kind: string;
  subject: string;
  detail: unknown;
  raised_at: Date | string;
  acknowledged_at: Date | string | null;
  acknowledged_by: string | null;
}

function toAlert(r: AlertRow): Alert {
  // jsonb comes back parsed from pg and PGlite; a string is tolerated all the same.
  const detail: unknown = typeof r.detail === 'string' ? JSON.parse(r.detail) : r.detail;
  return {
    id: r.id,
    kind: r.kind,
    subject: r.subject,
    detail: detail && typeof detail === 'object' && !Array.isArray(detail) ? (detail as Record<string, unknown>) : {},
    raisedAt: new Date(r.raised_at),
    acknowledgedAt: r.acknowledged_at === null ? null : new Date(r.acknowledged_at),
    acknowledgedBy: r.acknowledged_by,
  };
}

function checkId(id: string, what: string): string {
  const trimmed = typeof id === 'string' ? id.trim() : '';
  if (!ID.test(trimmed)) throw new AlertError('INVALID_INPUT', `bad ${what}: an alert id is a whole number`);
  return trimmed;
}

export class AlertService {
  readonly #db: Db;

  constructor(options: { db: Db }) {
    this.#db = options.db;
  }

  /** Alerts the filter matches, newest first, after the cursor. Throws AlertError INVALID_INPUT for a bad filter, limit or cursor. */
  async list(options: AlertListOptions = {}): Promise<Alert[]> {
    const { limit = 100, after, kind, isUnacknowledgedOnly } = options;
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT) throw new AlertError('INVALID_INPUT', `limit must be a whole number from 1 to ${MAX_LIMIT}`);
    const where: string[] = [];
    const params: unknown[] = [];
    if (kind !== undefined) {
      if (typeof kind !== 'string' || !KIND.test(kind)) throw new AlertError('INVALID_INPUT', 'bad kind: use policy-block, complaint or spike');
      where.push('kind = ?');
      params.push(kind);
    }
    if (isUnacknowledgedOnly) where.push('acknowledged_at is null');
    if (after !== undefined) {
      // Ids grow with time: "older than the cursor" is "smaller id", and stays exact when that alert is gone.
      where.push('id < ?::bigint');
      params.push(checkId(after, 'cursor'));
    }
    const rows = await this.#db.query<AlertRow>(
      `select ${COLUMNS} from alert ${where.length ? `where ${where.join(' and ')}` : ''} order by id desc limit ?`,
      [...params, limit],
    );
    return rows.map(toAlert);
  }

  /** One alert, or null. Throws AlertError INVALID_INPUT for a bad id. */
  async get(id: string): Promise<Alert | null> {
    const rows = await this.#db.query<AlertRow>(`select ${COLUMNS} from alert where id = ?::bigint`, [checkId(id, 'alert id')]);
    return rows[0] ? toAlert(rows[0]) : null;
  }

  /**
   * Marks the alert as seen by `by` (an admin login or `token:<name>`), unless
   * it was already: then it is returned as it is. Throws AlertError:
   * INVALID_INPUT (bad id or name), NOT_FOUND.
   */
  async acknowledge(id: string, by: string): Promise<Alert> {
    const alertId = checkId(id, 'alert id');
    if (typeof by !== 'string' || by.trim() === '' || by.length > MAX_BY_CHARS || CONTROL.test(by)) {
      throw new AlertError('INVALID_INPUT', 'bad name of who acknowledges');
    }
    await this.#db.query('update alert set acknowledged_at = now(), acknowledged_by = ? where id = ?::bigint and acknowledged_at is null', [
      by.trim(),
      alertId,
    ]);
    const alert = await this.get(alertId);
    if (!alert) throw new AlertError('NOT_FOUND', `no alert ${alertId}`);
    return alert;
  }
}
