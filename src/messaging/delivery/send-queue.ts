/**
 * The hand-over between the worker's decision step and its send lanes: decided, rendered sends
 * are pushed as chunks and taken one at a time, so the lanes keep every connection busy across
 * chunk boundaries instead of draining to zero at the end of each chunk.
 */
export class SendQueue<T> {
  readonly #items: T[] = [];
  /** What an item counts for in `size` and `waitBelow` (a unit of sends counts its messages). */
  readonly #weight: (item: T) => number;
  #size = 0;
  readonly #takers: ((item: T | undefined) => void)[] = [];
  readonly #roomWaiters: (() => void)[] = [];
  #closed = false;

  constructor(weight: (item: T) => number = () => 1) {
    this.#weight = weight;
  }

  get size(): number {
    return this.#size;
  }

  push(items: readonly T[]): void {
    for (const item of items) {
      const taker = this.#takers.shift();
      if (taker) taker(item);
      else {
        this.#items.push(item);
        this.#size += this.#weight(item);
      }
    }
  }

  /** No more pushes: lanes waiting on an empty queue get `undefined` and stop. */
  close(): void {
    this.#closed = true;
    for (const taker of this.#takers.splice(0)) taker(undefined);
  }

  /** The next item, waiting for one; `undefined` once the queue is closed and empty. */
  take(): Promise<T | undefined> {
    if (this.#items.length > 0) {
      const item = this.#items.shift() as T;
      this.#size -= this.#weight(item);
      for (const waiter of this.#roomWaiters.splice(0)) waiter();
      return Promise.resolve(item);
    }
    if (this.#closed) return Promise.resolve(undefined);
    return new Promise((resolve) => this.#takers.push(resolve));
  }

  /** Resolves once fewer than `n` items wait (the producer's back-pressure). */
  async waitBelow(n: number): Promise<void> {
    while (this.#size >= n && !this.#closed) await new Promise<void>((resolve) => this.#roomWaiters.push(resolve));
  }
}
