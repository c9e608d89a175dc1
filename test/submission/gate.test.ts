// The submission gate (relay-core/anomaly) on the SMTP path: mail from a
// trusted network without AUTH is keyed by its envelope sender and held like
// an account; reports for the returns address never meet the gate.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AnomalyService } from '../../relay-core/anomaly/index.ts';
import { loadConfig } from '../../relay-core/config/index.ts';
import { EventBus } from '../../relay-core/events/index.ts';
import { silentLogger } from '../../relay-core/log.ts';
import { ReturnsAddress, ReturnsProcessor, SenderDirectory } from '../../relay-core/returns/index.ts';
import { addressHasher } from '../../relay-core/stats/index.ts';
import { openTestDb } from '../support/db.ts';
import { arfReport, sendRaw } from '../returns/reports.ts';
import { makeWorld, startSubmission, TRUSTED_HOST, type Submission, type World } from './harness.ts';

type TestDb = Awaited<ReturnType<typeof openTestDb>>;
let db: TestDb;
let world: World;
let anomaly: AnomalyService;
let sub: Submission;

beforeAll(async () => {
  db = await openTestDb();
  world = makeWorld(db);
  const events = new EventBus();
  anomaly = new AnomalyService({
    db, events, queue: world.admin, users: world.users, log: silentLogger,
    settings: { ...loadConfig({ env: {} }).anomaly, minMessages: 20 },
  });
  await anomaly.tick();
  const returns = new ReturnsAddress({ address: 'returns@returns.test', key: Buffer.alloc(32, 4), lifetimeDays: 30 });
  const reports = new ReturnsProcessor({
    db, returns, senders: new SenderDirectory({ sql: db }), hashAddress: addressHasher(Buffer.alloc(32, 7)), queue: world.queue, events,
    hostname: 'relay.test', maxReportBytes: 1_048_576, log: silentLogger,
  });
  sub = await startSubmission(world, {
    gate: anomaly,
    returns: { recognize: (rcpt) => returns.recognize(rcpt), allowedFrom: [], process: reports.process.bind(reports) },
  });
});
afterAll(async () => {
  await sub?.server.close();
  await anomaly?.stop();
  await db?.drop();
});

const send = (mailFrom: string, rcptTo: string, localAddress = TRUSTED_HOST, body = 'Subject: x\r\n\r\nhello\r\n') =>
  sendRaw({ port: sub.port, localAddress, mailFrom, rcptTo: [rcptTo], body });

describe('the submission gate', () => {
  it('keys a trusted client without AUTH by its envelope sender: after a spike that sender gets 451 4.7.1, another does not', async () => {
    for (let i = 0; i < 20; i++) expect((await send('webform@example.org', `r${i}@dest.test`)).data?.code).toBe(250);
    const refused = await send('WebForm@example.org', 'r20@dest.test');
    expect(refused.mail.code).toBe(451);
    expect(refused.mail.text).toMatch(/^4\.7\.1 Sending paused: unusual volume from this account \(20 messages in 10 minutes, usually none\); contact your provider$/);
    expect((await send('newsletter@example.org', 'r21@dest.test')).data?.code).toBe(250);
    expect(sub.log.lines.some((l) => l.message === 'sender refused: gate' && String(l.fields.reply).startsWith('451 4.7.1'))).toBe(true);
    await anomaly.tick();
    const held = await world.admin.list({ sender: 'webform@example.org' });
    expect(held.flatMap((m) => m.recipients.map((r) => r.state))).toEqual(Array(20).fill('held'));
  });

  it('never gates a report for the returns address, even from a held envelope sender', async () => {
    await anomaly.hold('from:fbl@isp.test', 'not a sender of ours', 'test');
    const report = await send('fbl@isp.test', 'returns@returns.test', '127.0.0.1', arfReport({ returnPath: 'returns+nothing@returns.test' }));
    expect(report.mail.code).toBe(250);
    expect(report.data?.code).toBe(250);
    expect(report.data?.text).toMatch(/^2\.0\.0 report ignored/);
    // The same sender relaying ordinary mail from the trusted network is refused.
    expect((await send('fbl@isp.test', 'someone@dest.test')).mail.code).toBe(451);
  });
});
