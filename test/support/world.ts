// A small mail world around one in-process relais: a loopback DNS server, an
// MX for dest.test (whose reply depends on the recipient, see sink-mx.ts) and
// an MX for example.org, where senders live and DSNs arrive.
import type { RunningRelay } from '../../server/relay.ts';
import { createTestDatabase, type TestDatabase } from './db.ts';
import { startDnsServer, type TestDnsServer } from './dns-server.ts';
import { startTestRelay } from './relay.ts';
import { generateSinkCert, startSinkMx, type SinkMx, type SinkMxOptions } from './sink-mx.ts';

export interface MailWorld {
  db: TestDatabase;
  dns: TestDnsServer;
  /** MX of dest.test. */
  destMx: SinkMx;
  /** MX of example.org: accepts everything. */
  senderMx: SinkMx;
  relay: RunningRelay;
  close(): Promise<void>;
}

/** `hosts`: the two loopback addresses of the MXes, distinct per test file. */
export async function startMailWorld(
  hosts: [dest: string, sender: string],
  env: Record<string, string> = {},
  destOptions: Pick<SinkMxOptions, 'answerFor'> = {},
): Promise<MailWorld> {
  const db = await createTestDatabase();
  const dns = await startDnsServer();
  const cert = await generateSinkCert();
  const destMx = await startSinkMx({ host: hosts[0], cert, ...destOptions });
  const senderMx = await startSinkMx({ host: hosts[1], port: destMx.port, cert, acceptAll: true });
  dns.setZone({
    'dest.test': { mx: [{ preference: 10, exchange: 'mx.dest.test' }] },
    'mx.dest.test': { a: [hosts[0]] },
    'example.org': { mx: [{ preference: 10, exchange: 'mx.example.org' }] },
    'mx.example.org': { a: [hosts[1]] },
  });
  const relay = await startTestRelay(db, { RELAIS_DNS_SERVERS: dns.address, RELAIS_MX_PORT: String(destMx.port), ...env });
  return {
    db, dns, destMx, senderMx, relay,
    async close() {
      await relay.stop();
      await Promise.all([destMx.close(), senderMx.close(), dns.close()]);
      await db.drop();
    },
  };
}
