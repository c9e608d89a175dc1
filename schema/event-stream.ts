// Bus events as an async iterable for one subscriber, with a bounded buffer:
// a client that reads too slowly loses the oldest events, never the server's
// memory. Ends when the client unsubscribes.
import type { EventBus, RelayEvent } from '../relay-core/events/index.ts';

const MAX_BUFFERED = 1000;

export function eventStream<T>(bus: EventBus, pick: (event: RelayEvent) => T | null): AsyncIterableIterator<T> {
  const buffer: T[] = [];
  let wake: (() => void) | null = null;
  let isDone = false;
  const unsubscribe = bus.subscribe((event) => {
    const item = pick(event);
    if (item === null) return;
    if (buffer.length >= MAX_BUFFERED) buffer.shift();
    buffer.push(item);
    wake?.();
  });
  const finish = (): IteratorReturnResult<undefined> => {
    isDone = true;
    unsubscribe();
    wake?.();
    return { done: true, value: undefined };
  };
  return {
    [Symbol.asyncIterator]() {
      return this;
    },
    async next(): Promise<IteratorResult<T>> {
      while (!isDone && buffer.length === 0) await new Promise<void>((resolve) => (wake = resolve));
      wake = null;
      if (buffer.length) return { done: false, value: buffer.shift()! };
      return { done: true, value: undefined };
    },
    async return() {
      return finish();
    },
    async throw() {
      return finish();
    },
  };
}

/** Yields `produce()` now and then every `intervalMs` until the client unsubscribes. */
export async function* every<T>(intervalMs: number, produce: () => Promise<T>): AsyncGenerator<T> {
  for (;;) {
    yield await produce();
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
