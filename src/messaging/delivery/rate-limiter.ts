/**
 * Keeps sends to one configured channel within its provider's rate (messages per second), per
 * process: a token bucket holding a tenth of a second of sends, so a burst of ready messages goes
 * at once and only a sustained excess waits. Several worker processes each keep their own
 * bucket, so a deployment running N workers should expect up to N × the rate; providers answer
 * the excess with 429, which maps to failed-retryable with Retry-After.
 */
export class RateLimiter {
  readonly #buckets = new Map<string, { tokens: number; at: number }>();

  /** Takes `count` sends' worth of tokens (a batch call takes one per message in it). */
  async take(key: string, perSecond: number, count = 1): Promise<void> {
    if (!(perSecond > 0) || !Number.isFinite(perSecond)) return;
    const capacity = Math.max(1, perSecond / 10);
    const now = performance.now();
    const bucket = this.#buckets.get(key) ?? { tokens: capacity, at: now };
    // Refill for the time passed, then take the tokens (the balance may go negative: a debt the
    // caller waits off, which also queues the callers behind it in order).
    bucket.tokens = Math.min(capacity, bucket.tokens + ((now - bucket.at) * perSecond) / 1000) - count;
    bucket.at = now;
    this.#buckets.set(key, bucket);
    if (bucket.tokens < 0) {
      const wait = (-bucket.tokens * 1000) / perSecond;
      if (wait >= 1) await new Promise((r) => setTimeout(r, wait));
    }
  }
}
