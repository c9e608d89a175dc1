// `relais federation …` and `relais peer …`: this relay's identity for its
// peers, the peers it trusts and their health, pulls on demand, and what
// federated evidence says about an address.
import { parseArgs } from 'node:util';
import { FederationError, type FederationService, type Peer } from '../../relay-core/federation/index.ts';

export const FEDERATION_USAGE = `usage: relais federation whoami [--json]
       relais federation status <address> [--json]
       relais federation settings
       relais peer add <name> --url https://… --key=ID [--weight W] [--transitive] [--tls-fingerprint SHA256]
       relais peer list [--json]
       relais peer remove <name>
       relais peer sync [<name>]`;

interface Deps {
  federation: FederationService;
  out: (line: string) => void;
  err: (line: string) => void;
}

const OPTIONS = {
  json: { type: 'boolean' },
  url: { type: 'string' },
  key: { type: 'string' },
  weight: { type: 'string' },
  transitive: { type: 'boolean' },
  'tls-fingerprint': { type: 'string' },
} as const;

const day = (d: Date | null) => (d ? d.toISOString().replace('T', ' ').slice(0, 19) : 'never');

function describePeer(p: Peer): string[] {
  const h = p.health;
  const lines = [
    `${p.name}  ${p.url}  weight ${p.weight}${p.isTransitive ? ', transitive' : ''}${p.tlsFingerprint ? ', pinned certificate' : ''}`,
    `  key ${p.publicKey}`,
    `  last pull ${day(h.lastAttemptAt)}, last success ${day(h.lastSuccessAt)}${h.failures ? `, ${h.failures} failure(s) in a row` : ''}${h.nextAttemptAt ? `, next ${day(h.nextAttemptAt)}` : ''}`,
    `  events received ${h.eventsReceived}, rejected ${h.eventsRejected}${h.rejections.length ? ` (${h.rejections.map((r) => `${r.reason} ${r.count}`).join(', ')})` : ''}`,
  ];
  if (h.lastError) lines.push(`  last error: ${h.lastError}`);
  return lines;
}

export async function runFederationCommand(command: 'federation' | 'peer', argv: string[], deps: Deps): Promise<number> {
  const [sub, ...rest] = argv;
  let parsed;
  try {
    parsed = parseArgs({ args: rest, allowPositionals: true, options: OPTIONS });
  } catch (e) {
    deps.err(`relais ${command}: ${(e as Error).message}\n${FEDERATION_USAGE}`);
    return 2;
  }
  const { values, positionals } = parsed;
  const f = deps.federation;
  try {
    if (command === 'federation' && sub === 'whoami' && positionals.length === 0) {
      const me = f.whoami();
      if (values.json) deps.out(JSON.stringify(me, null, 2));
      else {
        deps.out(`id               ${me.id}`);
        deps.out(`name             ${me.name}`);
        deps.out(`url              ${me.url || '(not set: RELAIS_PUBLIC_URL)'}`);
        deps.out(`tls fingerprint  ${me.tlsFingerprint}`);
        deps.out(me.isEnabled ? `network key      set (check ${me.networkKeyCheck}: peers must show the same)` : 'network key      not set: federation is off (RELAIS_FEDERATION_NETWORK_KEY)');
        deps.out('');
        deps.out(`A peer adds this relay with:\n  relais peer add ${me.name.replace(/[^a-z0-9._-]/gi, '-').toLowerCase()} --url ${me.url || 'https://…'} --key=${me.id} --tls-fingerprint ${me.tlsFingerprint}`);
      }
      return 0;
    }
    if (command === 'federation' && sub === 'status' && positionals.length === 1) {
      const s = await f.status(positionals[0]!);
      if (values.json) {
        deps.out(JSON.stringify(s, null, 2));
        return 0;
      }
      deps.out(`hash        ${s.addr}`);
      deps.out(`status      ${s.verdict ? `suppressed (${s.verdict.kind}: weight ${s.verdict.weight} from ${s.verdict.origins} relays, as of ${day(s.verdict.since)})` : 'not suppressed'}`);
      for (const [kind, t] of Object.entries(s.tallies)) deps.out(`${kind.padEnd(12)}weight ${t.weight} from ${t.origins} relays`);
      deps.out(`delivered   ${s.localSuccessAt ? `here, last ${day(s.localSuccessAt)}` : 'not here since claims were made'}`);
      for (const o of s.origins) deps.out(`origin      ${o.origin}  ${o.events} event(s), weight ${o.weight}`);
      return 0;
    }
    if (command === 'federation' && sub === 'settings' && positionals.length === 0) {
      for (const [key, value] of Object.entries(f.settings)) deps.out(`${key.padEnd(20)} ${String(value)}`);
      return 0;
    }
    if (command === 'peer' && sub === 'add' && positionals.length === 1) {
      if (!values.url || !values.key) {
        deps.err(`relais peer add: --url and --key are required (the peer's \`relais federation whoami\` prints them)\n${FEDERATION_USAGE}`);
        return 2;
      }
      const weight = values.weight === undefined ? undefined : Number(values.weight);
      if (weight !== undefined && !Number.isFinite(weight)) {
        deps.err(`relais peer add: bad weight ${JSON.stringify(values.weight)}: a number above 0 and at most 10`);
        return 2;
      }
      const peer = await f.addPeer({
        name: positionals[0]!, url: values.url, key: values.key, isTransitive: Boolean(values.transitive),
        tlsFingerprint: values['tls-fingerprint'] ?? null, ...(weight === undefined ? {} : { weight }),
      });
      deps.out(`peer ${peer.name} added (${peer.url}, weight ${peer.weight}${peer.isTransitive ? ', transitive' : ''}); it must add this relay too`);
      return 0;
    }
    if (command === 'peer' && sub === 'list' && positionals.length === 0) {
      const peers = await f.peers.list();
      if (values.json) deps.out(JSON.stringify(peers, null, 2));
      else if (!peers.length) deps.out('No peers');
      else for (const p of peers) for (const line of describePeer(p)) deps.out(line);
      return 0;
    }
    if (command === 'peer' && sub === 'remove' && positionals.length === 1) {
      const { peer, forgotten } = await f.removePeer(positionals[0]!);
      deps.out(`peer ${peer.name} removed; ${forgotten} address(es) known only through it were forgotten, every verdict judged again`);
      return 0;
    }
    if (command === 'peer' && sub === 'sync' && positionals.length <= 1) {
      const results = await f.syncNow(positionals[0]);
      if (!results.length) deps.out('No peers');
      for (const r of results) {
        deps.out(`${r.peer}: ${r.ok ? 'ok' : 'failed'}, ${r.pages} page(s), ${r.accepted} event(s) accepted, ${r.rejected} rejected${r.error ? `: ${r.error}` : ''}`);
      }
      return results.every((r) => r.ok) ? 0 : 1;
    }
  } catch (e) {
    if (e instanceof FederationError) {
      deps.err(`relais ${command} ${sub}: ${e.message}`);
      return 1;
    }
    throw e;
  }
  deps.err(FEDERATION_USAGE);
  return 2;
}
