// A GraphQL client for tests, over real HTTP (fetch) and graphql-ws: who it
// is comes from a session cookie (after `login`) or an API token.
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';

export interface GraphQLResponse<T = Record<string, any>> {
  status: number;
  data?: T;
  errors?: { message: string; extensions?: Record<string, unknown> }[];
  headers: Headers;
}

export class ApiClient {
  readonly base: string;
  cookie: string | null = null;
  token: string | null = null;

  constructor(port: number, scheme: 'http' | 'https' = 'http') {
    this.base = `${scheme}://127.0.0.1:${port}`;
  }

  headers(extra: Record<string, string> = {}): Record<string, string> {
    return {
      'content-type': 'application/json',
      ...(this.cookie ? { cookie: this.cookie } : {}),
      ...(this.token ? { authorization: `Bearer ${this.token}` } : {}),
      ...extra,
    };
  }

  async request<T = Record<string, any>>(query: string, variables: Record<string, unknown> = {}, extraHeaders: Record<string, string> = {}): Promise<GraphQLResponse<T>> {
    const res = await fetch(`${this.base}/graphql`, { method: 'POST', headers: this.headers(extraHeaders), body: JSON.stringify({ query, variables }) });
    const text = await res.text();
    let body: { data?: T; errors?: GraphQLResponse['errors'] } = {};
    try {
      body = JSON.parse(text) as typeof body;
    } catch {
      body = { errors: [{ message: text }] };
    }
    return { status: res.status, ...body, headers: res.headers };
  }

  /** Logs in and keeps the session cookie; returns the response. */
  async login(login: string, password: string): Promise<GraphQLResponse> {
    const res = await this.request(
      'mutation ($l: String!, $p: String!) { login(login: $l, password: $p) { viewer { kind login } problem { code message } } }',
      { l: login, p: password },
    );
    const setCookie = res.headers.get('set-cookie');
    if (setCookie) this.cookie = setCookie.split(';')[0]!;
    return res;
  }

  /** A graphql-ws client with this client's credentials (token in connectionParams, cookie on the upgrade). */
  ws(): Client {
    const cookie = this.cookie;
    const token = this.token;
    return createClient({
      url: `${this.base.replace(/^http/, 'ws')}/graphql`,
      webSocketImpl: class extends WebSocket {
        constructor(address: string, protocols?: string | string[]) {
          super(address, protocols, { headers: cookie ? { cookie } : {}, rejectUnauthorized: false });
        }
      },
      connectionParams: token ? { authorization: `Bearer ${token}` } : {},
      retryAttempts: 0,
    });
  }
}

/** The first `n` results of a subscription, then unsubscribes. */
export function take<T>(client: Client, query: string, n: number, variables: Record<string, unknown> = {}): { results: Promise<T[]>; ready: Promise<void> } {
  const results: T[] = [];
  let readyResolve!: () => void;
  const ready = new Promise<void>((resolve) => (readyResolve = resolve));
  const done = new Promise<T[]>((resolve, reject) => {
    const unsubscribe = client.subscribe<T>({ query, variables }, {
      next: (value) => {
        if (value.errors) return reject(new Error(value.errors.map((e) => e.message).join('; ')));
        results.push(value.data as T);
        if (results.length >= n) {
          unsubscribe();
          resolve(results);
        }
      },
      error: (err) => reject(err instanceof Error ? err : new Error(JSON.stringify(err))),
      complete: () => resolve(results),
    });
    client.on('connected', () => readyResolve());
  });
  return { results: done, ready };
}
