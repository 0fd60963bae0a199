/**
 * Seeded random numbers for the simulators: mulberry32 (public domain, Tommy Ettinger; the same
 * generator as `src/demo/people.ts`, kept here so the models do not depend on demo code) and the
 * distributions the customer-base models are built from.
 */

export type Rng = () => number;

/** mulberry32: uniform in [0, 1), 2^32 period, fast and seedable. */
export function mulberry32(seed: number): Rng {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Samplers over one generator. */
export class Random {
  private spareNormal: number | null = null;
  constructor(readonly uniform: Rng) {}

  static seeded(seed: number): Random {
    return new Random(mulberry32(seed));
  }

  /** uniform in (0, 1], safe to take the log of */
  private open(): number {
    return 1 - this.uniform();
  }

  exponential(rate: number): number {
    return -Math.log(this.open()) / rate;
  }

  /** standard normal, Box–Muller (the second value is kept for the next call) */
  normal(): number {
    if (this.spareNormal !== null) {
      const v = this.spareNormal;
      this.spareNormal = null;
      return v;
    }
    const radius = Math.sqrt(-2 * Math.log(this.open()));
    const angle = 2 * Math.PI * this.uniform();
    this.spareNormal = radius * Math.sin(angle);
    return radius * Math.cos(angle);
  }

  /**
   * Gamma(shape, rate), Marsaglia & Tsang (2000); shapes below 1 via the boost
   * Gamma(k) = Gamma(k+1) · U^(1/k).
   */
  gamma(shape: number, rate: number): number {
    if (shape < 1) return this.gamma(shape + 1, rate) * this.open() ** (1 / shape);
    const d = shape - 1 / 3;
    const c = 1 / Math.sqrt(9 * d);
    for (;;) {
      let x: number;
      let v: number;
      do {
        x = this.normal();
        v = 1 + c * x;
      } while (v <= 0);
      v = v * v * v;
      const u = this.open();
      if (u < 1 - 0.0331 * x * x * x * x || Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) return (d * v) / rate;
    }
  }

  beta(a: number, b: number): number {
    const x = this.gamma(a, 1);
    const y = this.gamma(b, 1);
    return x / (x + y);
  }
}
