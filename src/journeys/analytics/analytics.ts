import type { Db } from '../../database.ts';
import { liftOver } from '../../messaging/broadcasts/stats.ts';
import { invalid } from '../../platform/errors.ts';
import { toMajor } from '../../tracking/money.ts';
import type { JourneyDefinition, Step } from '../model/schema.ts';
import { getJourney } from '../store.ts';
import { displayCurrency, type RunFilter, runGroups, type SplitRow, splitBranches, stepPorts } from './queries.ts';
import type { AnalyticsQuery, JourneyAnalytics } from './schema.ts';

/** Exit steps and split holdouts leave through `exit:<reason>` in the step log: an end, not a port. */
const isExitPort = (port: string | null) => port?.startsWith('exit:') ?? false;

const ratio = (x: number, n: number) => (n > 0 ? x / n : 0);

/**
 * A journey's analytics: how many entered and where they are, per step how many arrived, are
 * there now, left by each port or ended there, the goal's conversion and revenue, the holdout's
 * lift with its 95 % interval (Newcombe's hybrid score, as broadcasts report theirs), and each
 * split's branches. Optionally for one version's runs, or runs entered in [from, to).
 */
export async function journeyAnalytics(db: Db, workspaceId: string, journeyId: string, q: AnalyticsQuery): Promise<JourneyAnalytics> {
  const journey = await getJourney(db, workspaceId, journeyId);
  let definition: JourneyDefinition = journey.definition;
  if (q.version !== undefined) {
    const stored = await db.selectFrom('journey_versions').select('definition').where('journey_id', '=', journeyId).where('version', '=', q.version).executeTakeFirst();
    if (!stored) throw invalid('version', `the journey has no version ${q.version} (activated versions: 1–${journey.version})`);
    definition = stored.definition;
  }
  const f: RunFilter = { journeyId, version: q.version, from: q.from, to: q.to };
  const asOf = new Date().toISOString();
  const splitIds = definition.steps.filter((s) => s.kind === 'split').map((s) => s.id);
  const [groups, ports, splitRows, fallbackCurrency] = await Promise.all([runGroups(db, f), stepPorts(db, f), splitBranches(db, f, splitIds), displayCurrency(db, workspaceId)]);

  // ── totals, holdout and exit reasons (from the runs) ──
  const sum = (pick: (g: (typeof groups)[number]) => boolean, value: (g: (typeof groups)[number]) => number = (g) => g.runs) =>
    groups.reduce((n, g) => n + (pick(g) ? value(g) : 0), 0);
  const entered = sum(() => true);
  const heldOut = sum((g) => g.control);
  const treated = entered - heldOut;
  const goalReached = sum((g) => !g.control, (g) => g.goals);
  const controlGoals = sum((g) => g.control, (g) => g.goals);
  const revenueByCurrency = new Map<string, { runs: number; minor: number }>();
  for (const g of groups) {
    if (g.control || !g.goal_currency || g.revenue === null) continue;
    const known = revenueByCurrency.get(g.goal_currency) ?? { runs: 0, minor: 0 };
    revenueByCurrency.set(g.goal_currency, { runs: known.runs + g.goals, minor: known.minor + Number(g.revenue) });
  }
  // Orders in several currencies cannot be added up: the one most goal orders used is reported.
  const [currency, revenue] = [...revenueByCurrency].sort((a, b) => b[1].runs - a[1].runs)[0] ?? [fallbackCurrency, { runs: 0, minor: 0 }];
  const exitReasons: Record<string, number> = {};
  for (const g of groups) if (g.status === 'completed' || g.status === 'exited') exitReasons[g.exit_reason ?? g.status] = (exitReasons[g.exit_reason ?? g.status] ?? 0) + g.runs;

  const hasHoldout = heldOut > 0 || definition.holdoutPercent > 0;
  const lift = liftOver(goalReached, treated, controlGoals, heldOut);
  const holdout: JourneyAnalytics['holdout'] = hasHoldout
    ? {
        treated: { entered: treated, goal: goalReached, rate: ratio(goalReached, treated) },
        control: { entered: heldOut, goal: controlGoals, rate: ratio(controlGoals, heldOut) },
        lift: { ...lift, significant: heldOut > 0 && treated > 0 && (lift.ci95.low > 0 || lift.ci95.high < 0) },
        method: 'Difference of goal rates, treated − held out at entry; 95 % interval: Newcombe hybrid score (Wilson intervals per group)',
      }
    : null;

  // ── steps: the definition's in order, then any only older versions had ──
  const stats = new Map<string, { kind: string; name: string | null; reached: number; current: number; ports: Record<string, number>; exitedHere: number }>();
  const stat = (id: string, kind: string, name: string | null = null) => {
    const known = stats.get(id);
    if (known) return known;
    const s = { kind, name, reached: 0, current: 0, ports: {} as Record<string, number>, exitedHere: 0 };
    stats.set(id, s);
    return s;
  };
  const byId = new Map<string, Step>(definition.steps.map((s) => [s.id, s]));
  for (const step of definition.steps) stat(step.id, step.kind, step.name ?? null);
  for (const row of ports) {
    const s = stat(row.step_id, row.kind);
    s.reached += row.first_visits;
    if (row.port !== null && !isExitPort(row.port)) s.ports[row.port] = (s.ports[row.port] ?? 0) + row.visits;
  }
  for (const g of groups) {
    if (g.control || g.current_step === null) continue;
    const s = stat(g.current_step, byId.get(g.current_step)?.kind ?? 'unknown');
    if (g.status === 'active' || g.status === 'paused') s.current += g.runs;
    else s.exitedHere += g.runs;
    // A run about to run its step, or one that failed there (rolled back), has no log row at it yet.
    if (!g.logged_here) s.reached += g.runs;
  }
  const steps = [...stats].map(([stepId, s]) => ({ stepId, ...s, dropOff: Math.min(1, ratio(s.exitedHere, s.reached)) }));

  return {
    journeyId,
    version: q.version ?? null,
    totals: {
      entered,
      active: sum((g) => g.status === 'active'),
      paused: sum((g) => g.status === 'paused'),
      completed: sum((g) => g.status === 'completed'),
      exited: sum((g) => g.status === 'exited'),
      heldOut,
      goalReached,
      conversionRate: ratio(goalReached, treated),
      revenue: { amountMinor: revenue.minor, amount: toMajor(revenue.minor, currency), currency },
    },
    steps,
    holdout,
    splits: splits(definition, splitRows),
    exitReasons,
    asOf,
  };
}

/** Each split step's branches in the definition's order (and its own holdout, when it has one). */
function splits(definition: JourneyDefinition, rows: readonly SplitRow[]): JourneyAnalytics['splits'] {
  return definition.steps.flatMap((step) => {
    if (step.kind !== 'split') return [];
    const keys = [...step.branches.map((b) => b.key), ...(step.holdoutPercent > 0 ? ['holdout'] : [])];
    const found = new Map(rows.filter((r) => r.step_id === step.id).map((r) => [r.port === 'exit:holdout' ? 'holdout' : (r.port ?? ''), r]));
    return [{ stepId: step.id, branches: keys.map((key) => ({ key, entered: found.get(key)?.entered ?? 0, goal: found.get(key)?.goal ?? 0, rate: ratio(found.get(key)?.goal ?? 0, found.get(key)?.entered ?? 0) })) }];
  });
}
