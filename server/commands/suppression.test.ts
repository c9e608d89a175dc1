import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SuppressionService } from '../../relay-core/policy/index.ts';
import { addressHasher, loadRelaySecret } from '../../relay-core/stats/index.ts';
import { openTestDb } from '../../test/support/db.ts';
import { runSuppressionCommand } from './suppression.ts';

type TestDb = Awaited<ReturnType<typeof openTestDb>>;
let db: TestDb;
let suppressions: SuppressionService;
let hash: (address: string) => string;
const RULES = { hardBounces: 1, softBounces: 5, softWindowDays: 7, complaints: 1, expiryDays: 90 };
const today = () => new Date().toISOString().slice(0, 10);

beforeAll(async () => {
  db = await openTestDb();
  hash = addressHasher(await loadRelaySecret(db));
  suppressions = new SuppressionService({ db, hashAddress: hash, rules: RULES });
});
afterAll(async () => db?.drop());

/** Runs `relais suppression …`; returns the exit code and every line written. */
async function run(argv: string[]) {
  const lines: string[] = [];
  const errors: string[] = [];
  const code = await runSuppressionCommand(argv, { suppressions, out: (l) => lines.push(l), err: (l) => errors.push(l) });
  return { code, out: lines.join('\n'), err: errors.join('\n') };
}

/** A hard bounce recorded the way the queue records it. */
async function hardBounce(address: string) {
  suppressions.remember(
    await db.transaction((tx) => suppressions.recordEvidence(tx, [{ recipientHash: hash(address), kind: 'hard', category: 'invalid-recipient', enhanced: '5.1.1' }])),
  );
}

describe('relais suppression', () => {
  it('adds an address for everyone or one scope, with an expiry in days or none, and lists it', async () => {
    expect(await run(['list'])).toEqual({ code: 0, out: 'The suppression list is empty', err: '' });
    expect(await run(['add', 'Victim@Example.org', '--reason', 'asked us to stop'])).toEqual({
      code: 0, out: 'victim@example.org suppressed (global), never expires', err: '',
    });
    const scoped = await run(['add', 'victim@example.org', '--reason', 'unsubscribed', '--scope', 'domain:Shop.Example', '--days', '30']);
    expect(scoped.code).toBe(0);
    expect(scoped.out).toMatch(/^victim@example\.org suppressed \(domain:shop\.example\), expires \d{4}-\d{2}-\d{2}$/);
    await hardBounce('gone@example.org');

    const lines = (await run(['list'])).out.split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[0]).toBe(`hash:${hash('gone@example.org')}  global  hard-bounce  "1 hard bounce, last 5.1.1 (invalid-recipient)"  since ${today()}  expires ${new Date(Date.now() + 90 * 86_400_000).toISOString().slice(0, 10)}`);
    expect(lines).toContain(`victim@example.org  global  manual  "asked us to stop"  since ${today()}  never expires`);
    expect(lines.some((l) => l.startsWith('victim@example.org  domain:shop.example  manual  "unsubscribed"'))).toBe(true);
    expect((await run(['list', '--limit', '1'])).out).toContain('(the newest 1 entries; --limit N shows more)');
    const json = JSON.parse((await run(['list', '--json'])).out);
    expect(json).toHaveLength(3);
    expect(json[0]).toMatchObject({ address: null, source: 'hard-bounce', scope: '' });
  });

  it('checks an address: its entries, evidence, outcomes and last success', async () => {
    const checked = await run(['check', 'GONE@example.org']);
    expect(checked.code).toBe(0);
    expect(checked.out.split('\n')).toEqual([
      `suppressed (global) since ${today()}: 1 hard bounce, last 5.1.1 (invalid-recipient); expires ${new Date(Date.now() + 90 * 86_400_000).toISOString().slice(0, 10)}`,
      `evidence: 1 hard invalid-recipient, last ${today()}`,
      'outcomes: none',
      'last success: none',
    ]);
    const h = hash('fine@example.org');
    await db.query("insert into recipient_category_stat (recipient_hash, bucket, outcome, category, count) values (?, '2026-11-01', 'deferred', 'greylisted', 2)", [h]);
    await db.query("insert into recipient_last_success (recipient_hash, delivered_on) values (?, '2026-11-02')", [h]);
    expect((await run(['check', 'fine@example.org'])).out.split('\n')).toEqual([
      'not suppressed', 'evidence: none', 'outcomes: 2 deferred greylisted', 'last success: 2026-11-02',
    ]);
    const json = JSON.parse((await run(['check', 'fine@example.org', '--json'])).out);
    expect(json).toMatchObject({ recipientHash: h, entries: [], outcomes: [{ outcome: 'deferred', category: 'greylisted', count: 2 }] });
  });

  it('removes one scope, every scope, or an automatic entry by its hash; exits 1 when nothing is suppressed', async () => {
    expect(await run(['remove', 'victim@example.org', '--scope', 'domain:shop.example'])).toEqual({
      code: 0, out: 'victim@example.org: 1 suppression entry removed', err: '',
    });
    expect(await run(['remove', 'victim@example.org', '--scope', 'domain:shop.example'])).toEqual({
      code: 1, out: '', err: 'relais suppression remove: victim@example.org is not suppressed (domain:shop.example)',
    });
    expect((await run(['remove', 'victim@example.org'])).out).toBe('victim@example.org: 1 suppression entry removed');
    expect((await run(['remove', `hash:${hash('gone@example.org')}`])).code).toBe(0);
    expect((await run(['check', 'gone@example.org'])).out.split('\n').slice(0, 2)).toEqual(['not suppressed', 'evidence: none']);
    expect(await run(['remove', 'nobody@example.org'])).toEqual({ code: 1, out: '', err: 'relais suppression remove: nobody@example.org is not suppressed' });
  });

  it('exits 1 with a clear message for refused input, and stores nothing', async () => {
    const refused: [string[], RegExp][] = [
      [['add', '@example.org', '--reason', 'x'], /one mailbox/],
      [['add', 'a@example.org\r\nRCPT TO:<b@example.org>', '--reason', 'x'], /control characters/],
      [['add', `${'a'.repeat(10_000)}@example.org`, '--reason', 'x'], /longer than 254 octets/],
      [['add', 'a@example.org', '--reason', 'x'.repeat(201)], /longer than 200/],
      [['add', 'a@example.org', '--reason', 'two\r\nlines'], /one line/],
      [['add', 'a@example.org', '--reason', 'x', '--scope', 'team:ops'], /bad scope/],
      [['remove', 'a@example.org', '--scope', 'user:'], /bad scope/],
      [['check', 'not-an-address'], /one mailbox/],
    ];
    for (const [argv, message] of refused) {
      const result = await run(argv);
      expect(result.code, argv.join(' ').slice(0, 80)).toBe(1);
      expect(result.err).toMatch(new RegExp(`^relais suppression ${argv[0]}: `));
      expect(result.err).toMatch(message);
      expect(result.err.length).toBeLessThan(200);
    }
    expect((await run(['list'])).out).toBe('The suppression list is empty');
  });

  it('exits 2 with the usage for unknown subcommands, options and wrong arguments', async () => {
    for (const argv of [
      [], ['frobnicate'], ['list', 'extra'], ['list', '--reason', 'x'], ['add', 'a@example.org'], ['add', '--reason', 'x'],
      ['add', 'a@example.org', '--reason', 'x', '--days', '0'], ['add', 'a@example.org', '--reason', 'x', '--days', 'soon'],
      ['list', '--limit', '-1'], ['remove'], ['remove', 'a@example.org', '--json'], ['check', 'a@example.org', 'b@example.org'],
    ]) {
      const result = await run(argv);
      expect(result.code, argv.join(' ')).toBe(2);
      expect(result.err).toContain('usage: relais suppression list');
    }
    expect((await run(['list'])).out).toBe('The suppression list is empty');
  });
});
