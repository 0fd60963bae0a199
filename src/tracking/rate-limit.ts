import { AppError } from '../platform/errors.ts';

/**
 * A token bucket per write key, per process: a runaway client cannot starve the others. Its
 * state is deliberately process-local — losing it on restart forgets only a few seconds of
 * accounting; with N API processes the workspace-wide ceiling is N × the limit.
 */
export class WriteKeyRateLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(private readonly perSecond: number) {}

  take(keyId: string, events: number): void {
    const now = Date.now();
    const burst = this.perSecond * 2;
    const bucket = this.buckets.get(keyId) ?? { tokens: burst, at: now };
    bucket.tokens = Math.min(burst, bucket.tokens + ((now - bucket.at) / 1000) * this.perSecond);
    bucket.at = now;
    this.buckets.set(keyId, bucket);
    if (bucket.tokens < events) {
      throw new AppError('RATE_LIMITED', `More than ${this.perSecond} events/s for this write key; slow down and retry`);
    }
    bucket.tokens -= events;
  }
}
