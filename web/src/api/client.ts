// The console's one way to the relay: GraphQL at /graphql, queries and
// mutations as POST JSON with the session cookie and the CSRF header the API
// demands of cookie sessions, subscriptions over graphql-ws on the same path
// (the browser sends the cookie with the upgrade). A fresh connection is made
// at every login and logout so no cached data or socket outlives a session.
import { createClient as createWsClient } from 'graphql-ws';
import { cacheExchange, Client, fetchExchange, mapExchange, subscriptionExchange, type CombinedError } from 'urql';

/** The header server/api.ts requires of cookie-authenticated requests (CSRF). */
export const CSRF_HEADER = 'x-relais-csrf';

export function graphqlWsUrl(location: Location): string {
  return `${location.protocol === 'https:' ? 'wss:' : 'ws:'}//${location.host}/graphql`;
}

/** Whether the API refused the request for want of a (valid) session. */
export function isNotAuthorized(error: CombinedError): boolean {
  const status = (error.response as Response | undefined)?.status;
  return status === 401 || error.graphQLErrors.some((e) => /not authorized/i.test(e.message));
}

export interface ApiConnection {
  client: Client;
  dispose(): void;
}

export function connectApi(options: { onNotAuthorized: () => void }): ApiConnection {
  const ws = createWsClient({
    url: graphqlWsUrl(window.location),
    lazy: true,
    // The server drops idle sockets; pings keep a page with live counters connected.
    keepAlive: 20_000,
    retryAttempts: 20,
  });
  const client = new Client({
    url: '/graphql',
    preferGetMethod: false,
    requestPolicy: 'cache-and-network',
    fetchOptions: { credentials: 'same-origin', headers: { [CSRF_HEADER]: '1' } },
    exchanges: [
      cacheExchange,
      mapExchange({
        onError(error) {
          if (isNotAuthorized(error)) options.onNotAuthorized();
        },
      }),
      fetchExchange,
      subscriptionExchange({
        forwardSubscription(request) {
          const input = { ...request, query: request.query ?? '' };
          return {
            subscribe(sink) {
              return { unsubscribe: ws.subscribe(input, sink) };
            },
          };
        },
      }),
    ],
  });
  return { client, dispose: () => void ws.dispose() };
}

/** A client-safe text for a failed request (GraphQL errors first, then the network). */
export function errorText(error: CombinedError): string {
  const messages = error.graphQLErrors.map((e) => e.message);
  if (messages.length) return messages.join('; ');
  return error.networkError?.message ?? error.message;
}
