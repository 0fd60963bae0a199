import type { Db } from '../../database.ts';
import type { Period } from '../periods.ts';
import type { Calendar, Grain } from '../routes/schemas.ts';
import type { AnalyticsContext } from '../settings.ts';

export type KpiUnit = 'count' | 'percent' | 'money' | 'ratio';

export interface KpiDefinition {
  id: string;
  unit: KpiUnit;
  /** The formula in the terms of the definition, e.g. "(E − N) / S × 100". */
  formula: string;
  /** What it means, in plain language. */
  definition: string;
  higherIsBetter: boolean;
}

/** A figure, or null with the reason it cannot be given (never NaN or Infinity). */
export interface KpiValue {
  value: number | null;
  reason: string | null;
}

export const figure = (value: number): KpiValue =>
  Number.isFinite(value) ? { value, reason: null } : { value: null, reason: 'not a finite number' };
export const missing = (reason: string): KpiValue => ({ value: null, reason });
/** numerator / denominator (× scale), or null with `reason` when the denominator is 0. */
export const ratio = (numerator: number, denominator: number, reason: string, scale = 1): KpiValue =>
  denominator > 0 ? figure((numerator / denominator) * scale) : missing(reason);

/** Only these customers or orders: a segment, a tag, a sales channel. */
export interface KpiScope {
  segment?: string;
  tag?: string;
  channel?: string;
}

export interface KpiQuery {
  db: Db;
  ctx: AnalyticsContext;
  calendar: Calendar;
  grain: Grain;
  periods: Period[];
  scope: KpiScope;
  /** Periods that are not calendar periods (a focus range): computed live rather than from rollups. */
  custom?: boolean;
  /** When the snapshot was taken (ISO time), and its local day; later days of a period are not yet known. */
  asOf: string | null;
  asOfDay: string | null;
}

/**
 * A source of KPIs. Orders give retention and revenue figures; later capabilities (engagement,
 * response time, CSAT, NPS) register their own providers, and the dashboard shows them all.
 */
export interface KpiProvider {
  definitions: readonly KpiDefinition[];
  compute(query: KpiQuery): Promise<Record<string, KpiValue[]>>;
}

export class KpiRegistry {
  readonly #providers: KpiProvider[] = [];

  register(provider: KpiProvider): void {
    const known = new Set(this.definitions().map((d) => d.id));
    for (const d of provider.definitions) if (known.has(d.id)) throw new Error(`KPI ${d.id} is registered twice`);
    this.#providers.push(provider);
  }

  definitions(): KpiDefinition[] {
    return this.#providers.flatMap((p) => p.definitions);
  }

  async compute(query: KpiQuery): Promise<{ definition: KpiDefinition; values: KpiValue[] }[]> {
    const results = await Promise.all(this.#providers.map((p) => p.compute(query)));
    return this.#providers.flatMap((p, i) =>
      p.definitions.map((definition) => ({
        definition,
        values: results[i]?.[definition.id] ?? query.periods.map(() => missing('not computed')),
      })),
    );
  }
}
