/**
 * Spaces sends to one configured channel at its provider's rate (messages per second), per
 * process. Several worker processes each keep their own pace, so a deployment running N workers
 * should expect up to N × the rate; providers answer the excess with 429, which maps to
 * failed-retryable with Retry-After.
 */
export class RateLimiter {
  readonly #nextSlot = new Map<string, number>();

  async take(key: string, perSecond: number): Promise<void> {
    if (!(perSecond > 0) || !Number.isFinite(perSecond)) return;
    const interval = 1000 / perSecond;
    const now = performance.now();
    const slot = Math.max(now, this.#nextSlot.get(key) ?? now);
    this.#nextSlot.set(key, slot + interval);
    const wait = slot - now;
    if (wait >= 1) await new Promise((r) => setTimeout(r, wait));
  }
}
