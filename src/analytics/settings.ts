import type { Db } from '../database.ts';
import { invalid } from '../platform/errors.ts';
import { monthsFrom, todayIn } from './periods.ts';
import type { AnalyticsSettings } from './routes/schemas.ts';
import type { StoredFocus } from './tables.ts';

/** Analytics settings plus the workspace facts every figure depends on. */
export interface AnalyticsContext extends AnalyticsSettings {
  workspaceId: string;
  currency: string;
}

const defaults = {
  activeDays: 90,
  calendar: 'gregorian',
  horizonDays: 365,
  discountRate: 0.1,
  preferredModel: 'bgnbd',
  churnLabelAttribute: null,
  focus: null,
  refreshMinutes: 15,
} as const;

export async function loadAnalyticsContext(db: Db, workspaceId: string): Promise<AnalyticsContext> {
  const ws = await db.selectFrom('workspaces').select('settings').where('id', '=', workspaceId).executeTakeFirstOrThrow();
  const row = await db.selectFrom('analytics_settings').selectAll().where('workspace_id', '=', workspaceId).executeTakeFirst();
  const timezone = ws.settings.timezone ?? 'UTC';
  return {
    workspaceId,
    currency: ws.settings.displayCurrency ?? 'USD',
    timezone,
    activeDays: row?.active_days ?? defaults.activeDays,
    // A workspace that speaks Persian and has not chosen gets the Jalali calendar.
    calendar: row?.calendar ?? (ws.settings.defaultLanguage === 'fa' || timezone === 'Asia/Tehran' ? 'jalali' : defaults.calendar),
    horizonDays: row?.horizon_days ?? defaults.horizonDays,
    discountRate: row?.discount_rate ?? defaults.discountRate,
    preferredModel: row?.preferred_model ?? defaults.preferredModel,
    churnLabelAttribute: row?.churn_label_attribute ?? defaults.churnLabelAttribute,
    focus: row?.focus ?? defaults.focus,
    refreshMinutes: row?.refresh_minutes ?? defaults.refreshMinutes,
  };
}

export const publicSettings = ({ workspaceId: _w, currency: _c, ...settings }: AnalyticsContext): AnalyticsSettings => settings;

export interface SettingsPatch {
  activeDays?: number;
  calendar?: AnalyticsSettings['calendar'];
  horizonDays?: number;
  discountRate?: number;
  preferredModel?: AnalyticsSettings['preferredModel'];
  churnLabelAttribute?: string | null;
  focus?: { kpi: string; target: number; start?: string; end?: string } | null;
  refreshMinutes?: number;
}

/** Whether a change makes the stored figures stale (they are recomputed at once). */
export const changesFigures = (patch: SettingsPatch) =>
  ['activeDays', 'horizonDays', 'discountRate', 'preferredModel', 'churnLabelAttribute'].some((k) => k in patch);

export async function updateAnalyticsSettings(db: Db, workspaceId: string, patch: SettingsPatch, kpiIds: readonly string[]) {
  const current = await loadAnalyticsContext(db, workspaceId);
  const calendar = patch.calendar ?? current.calendar;
  let focus: StoredFocus | null = current.focus;
  if (patch.focus === null) focus = null;
  else if (patch.focus) {
    if (!kpiIds.includes(patch.focus.kpi)) throw invalid('focus.kpi', `focus.kpi must be one of: ${kpiIds.join(', ')}`);
    const fallback = monthsFrom(todayIn(current.timezone), 3, calendar);
    const start = patch.focus.start ?? fallback.start;
    const end = patch.focus.end ?? (patch.focus.start ? monthsFrom(start, 3, calendar).end : fallback.end);
    if (end < start) throw invalid('focus.end', 'focus.end must not be before focus.start');
    focus = { kpi: patch.focus.kpi, target: patch.focus.target, start, end };
  }
  const next = {
    active_days: patch.activeDays ?? current.activeDays,
    calendar,
    horizon_days: patch.horizonDays ?? current.horizonDays,
    discount_rate: patch.discountRate ?? current.discountRate,
    preferred_model: patch.preferredModel ?? current.preferredModel,
    churn_label_attribute: patch.churnLabelAttribute === undefined ? current.churnLabelAttribute : patch.churnLabelAttribute,
    focus: focus ? JSON.stringify(focus) : null,
    refresh_minutes: patch.refreshMinutes ?? current.refreshMinutes,
    updated_at: new Date(),
  };
  await db
    .insertInto('analytics_settings')
    .values({ workspace_id: workspaceId, ...next })
    .onConflict((oc) => oc.column('workspace_id').doUpdateSet(next))
    .execute();
  return loadAnalyticsContext(db, workspaceId);
}
