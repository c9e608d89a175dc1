// Where mail for one destination domain goes: the static route when the
// operator set one (like Postfix transport / relayhost), otherwise the MX
// hosts from DNS with the private-address policy applied. The result is the
// ordered list of addresses to try, or the reply every recipient gets instead.
import { isIP } from 'node:net';
import { localReply, type Reply } from '../bounces/index.ts';
import type { Route } from '../config/index.ts';
import { AddressPolicy } from './address-policy.ts';
import type { MxResolver } from './mx-resolver.ts';

/** One address to connect to, with the name it was found under (reported as the MX host). */
export interface SmtpTarget {
  mxHost: string;
  address: string;
  port: number;
}

/**
 * - `targets`: addresses to try in order; `isRoute` when a static route chose them.
 * - `permanent`: bounce every recipient of the destination (NXDOMAIN, null MX).
 * - `temporary`: defer every recipient of the destination.
 */
export type DestinationPlan =
  | { kind: 'targets'; targets: SmtpTarget[]; isRoute: boolean }
  | { kind: 'permanent'; reply: Reply }
  | { kind: 'temporary'; reply: Reply };

export interface DestinationPlannerOptions {
  resolver: MxResolver;
  routes: Route[];
  mxPort: number;
  allowPrivateMx: boolean;
}

export class DestinationPlanner {
  readonly #o: DestinationPlannerOptions;
  readonly #policy = new AddressPolicy();

  constructor(options: DestinationPlannerOptions) {
    this.#o = options;
  }

  /** The route for the exact domain, else the `*` route, else null (use MX). */
  routeFor(domain: string): Route | null {
    const name = domain.toLowerCase();
    return this.#o.routes.find((r) => r.domain === name) ?? this.#o.routes.find((r) => r.domain === '*') ?? null;
  }

  async plan(domain: string): Promise<DestinationPlan> {
    const route = this.routeFor(domain);
    return route ? this.#planRoute(route) : this.#planMx(domain);
  }

  async #planRoute(route: Route): Promise<DestinationPlan> {
    // A route is the operator's explicit choice, so the private-address policy
    // does not apply (a relayhost on the LAN is the usual case), and a route
    // that does not resolve is their configuration to fix: defer, never bounce.
    if (isIP(route.host)) {
      return { kind: 'targets', isRoute: true, targets: [{ mxHost: route.host, address: route.host, port: route.port }] };
    }
    const result = await this.#o.resolver.resolveAddresses(route.host);
    if (result.kind !== 'addresses') {
      return { kind: 'temporary', reply: localReply(451, '4.4.3', `Route host ${route.host} cannot be resolved: ${result.reply.text}`) };
    }
    return {
      kind: 'targets',
      isRoute: true,
      targets: result.addresses.map((address) => ({ mxHost: route.host, address, port: route.port })),
    };
  }

  async #planMx(domain: string): Promise<DestinationPlan> {
    const result = await this.#o.resolver.resolve(domain);
    if (result.kind !== 'hosts') return result;
    const targets: SmtpTarget[] = [];
    const refused: string[] = [];
    for (const host of result.hosts) {
      for (const address of host.addresses) {
        if (!this.#o.allowPrivateMx && this.#policy.isPrivate(address)) refused.push(`${host.name}[${address}]`);
        else targets.push({ mxHost: host.name, address, port: this.#o.mxPort });
      }
    }
    if (targets.length) return { kind: 'targets', isRoute: false, targets };
    // Temporary, not permanent: a private MX is most often a DNS or relay
    // set-up mistake being fixed (split-horizon DNS, a missing
    // RELAIS_ALLOW_PRIVATE_MX on an internal relay). Deferring gives the
    // operator until queue.maxAgeMs to fix it, and the sender still gets a DSN
    // if nobody does; a bounce would lose the mail for a local fault.
    return {
      kind: 'temporary',
      reply: localReply(451, '4.4.4', `MX address is private (set RELAIS_ALLOW_PRIVATE_MX to allow): ${refused.join(', ')}`),
    };
  }
}
