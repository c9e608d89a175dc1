// Per-request batching for fields that would otherwise cost one query per
// list item (the N+1 problem): every key asked for while a result is being
// built goes to the service in one call. Nothing is cached across batches.
import type { ApiContext } from './context.ts';

type Fetch<V> = (keys: string[]) => Promise<Map<string, V>>;

/** A loader per request context: `load(ctx, key)` resolves once the batch it joined has been fetched. */
export function batchLoader<V>(fetch: (ctx: ApiContext, keys: string[]) => Promise<Map<string, V>>, missing: V): (ctx: ApiContext, key: string) => Promise<V> {
  const loaders = new WeakMap<ApiContext, (key: string) => Promise<V>>();
  return (ctx, key) => {
    let load = loaders.get(ctx);
    if (!load) {
      load = batching((keys) => fetch(ctx, keys), missing);
      loaders.set(ctx, load);
    }
    return load(key);
  };
}

function batching<V>(fetch: Fetch<V>, missing: V): (key: string) => Promise<V> {
  let waiting: { key: string; resolve: (value: V) => void; reject: (err: unknown) => void }[] = [];
  const run = () => {
    const batch = waiting;
    waiting = [];
    fetch([...new Set(batch.map((w) => w.key))]).then(
      (values) => batch.forEach((w) => w.resolve(values.has(w.key) ? values.get(w.key)! : missing)),
      (err: unknown) => batch.forEach((w) => w.reject(err)),
    );
  };
  return (key) =>
    new Promise<V>((resolve, reject) => {
      // graphql-js starts the fields of every item of a list in one pass: by the next turn, all have asked.
      if (waiting.length === 0) setImmediate(run);
      waiting.push({ key, resolve, reject });
    });
}
