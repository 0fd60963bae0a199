/**
 * Seeded simulators that draw customers from the models' own generative stories, for
 * parameter-recovery tests and benchmarks. Times are continuous; round them yourself to mimic
 * day-resolution data.
 */
import type { BgBbParams } from './bgbb.ts';
import type { BgNbdParams } from './bgnbd.ts';
import type { RfData } from './data.ts';
import type { GammaGammaParams, SpendData } from './gamma-gamma.ts';
import type { ParetoNbdParams } from './pareto-nbd.ts';
import { Random } from './random.ts';

export interface SimulationOptions {
  /** observation length per customer (T), or one T for everyone */
  T: Float64Array | number;
  /** number of customers; defaults to T.length when T is an array */
  customers?: number;
  seed: number;
}

function observationLengths(options: SimulationOptions): Float64Array {
  if (typeof options.T !== 'number') return options.T;
  return new Float64Array(options.customers ?? 0).fill(options.T);
}

/**
 * BG/NBD (FHL 2005 §2): λ ~ Gamma(r, α), p ~ Beta(a, b); purchases at Poisson(λ) times after
 * the first purchase at 0; after each repeat purchase the customer drops out with probability p.
 *
 * @example
 * const data = simulateBgNbd({ r: 0.25, alpha: 4, a: 0.8, b: 2.5 }, { T: 52, customers: 20_000, seed: 1 });
 */
export function simulateBgNbd(params: BgNbdParams, options: SimulationOptions): RfData {
  const T = observationLengths(options);
  const random = Random.seeded(options.seed);
  const n = T.length;
  const x = new Float64Array(n);
  const tx = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const lambda = random.gamma(params.r, params.alpha);
    const p = random.beta(params.a, params.b);
    let t = 0;
    let count = 0;
    let last = 0;
    for (;;) {
      t += random.exponential(lambda);
      if (t > T[i]!) break;
      count++;
      last = t;
      if (random.uniform() < p) break;
    }
    x[i] = count;
    tx[i] = last;
  }
  return { x, tx, T: Float64Array.from(T) };
}

/**
 * Pareto/NBD (Schmittlein et al. 1987): λ ~ Gamma(r, α), μ ~ Gamma(s, β); an exponential(μ)
 * lifetime, and Poisson(λ) purchases while alive.
 */
export function simulateParetoNbd(params: ParetoNbdParams, options: SimulationOptions): RfData {
  const T = observationLengths(options);
  const random = Random.seeded(options.seed);
  const n = T.length;
  const x = new Float64Array(n);
  const tx = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const lambda = random.gamma(params.r, params.alpha);
    const mu = random.gamma(params.s, params.beta);
    const end = Math.min(T[i]!, random.exponential(mu));
    let t = 0;
    let count = 0;
    let last = 0;
    for (;;) {
      t += random.exponential(lambda);
      if (t > end) break;
      count++;
      last = t;
    }
    x[i] = count;
    tx[i] = last;
  }
  return { x, tx, T: Float64Array.from(T) };
}

/**
 * Gamma-Gamma spend (Fader & Hardie 2013): ν ~ Gamma(q, γ) per customer, each transaction value
 * ~ Gamma(p, ν), so the mean of x values is Gamma(px, ν)/x. Customers with x = 0 get mbar = 0.
 */
export function simulateGammaGamma(params: GammaGammaParams, x: Float64Array, seed: number): SpendData {
  const random = Random.seeded(seed);
  const mbar = new Float64Array(x.length);
  for (let i = 0; i < x.length; i++) {
    const nu = random.gamma(params.q, params.gamma);
    const xi = x[i]!;
    mbar[i] = xi > 0 ? random.gamma(params.p * xi, nu) / xi : 0;
  }
  return { x: Float64Array.from(x), mbar };
}

export interface BgBbSimulation {
  /** calibration summary over opportunities 1..n */
  x: Float64Array;
  tx: Float64Array;
  n: Float64Array;
  /** transactions in the following `holdout` opportunities */
  holdoutTransactions: Float64Array;
  /** whether the customer is still alive at opportunity n+1 */
  aliveAfter: Uint8Array;
}

/**
 * BG/BB (FHS 2010 §2): p ~ Beta(α, β), θ ~ Beta(γ, δ); at each opportunity an alive customer
 * first dies with probability θ, then, if still alive, transacts with probability p.
 */
export function simulateBgBb(params: BgBbParams, options: { customers: number; n: number; holdout: number; seed: number }): BgBbSimulation {
  const random = Random.seeded(options.seed);
  const { customers, n, holdout } = options;
  const x = new Float64Array(customers);
  const tx = new Float64Array(customers);
  const holdoutTransactions = new Float64Array(customers);
  const aliveAfter = new Uint8Array(customers);
  for (let i = 0; i < customers; i++) {
    const p = random.beta(params.alpha, params.beta);
    const theta = random.beta(params.gamma, params.delta);
    let alive = true;
    for (let t = 1; t <= n + holdout; t++) {
      if (alive && random.uniform() < theta) alive = false;
      if (t === n + 1) aliveAfter[i] = alive ? 1 : 0;
      if (!alive) break;
      if (random.uniform() < p) {
        if (t <= n) {
          x[i] = x[i]! + 1;
          tx[i] = t;
        } else {
          holdoutTransactions[i] = holdoutTransactions[i]! + 1;
        }
      }
    }
  }
  return { x, tx, n: new Float64Array(customers).fill(n), holdoutTransactions, aliveAfter };
}
