import { sql } from 'kysely';
import type { Db } from '../../database.ts';
import { AppError } from '../../platform/errors.ts';
import { compileRules, loadRuleContext } from '../../segments/rules/compile.ts';
import type { TriggerRegistry } from '../engine/triggers.ts';
import { type JourneyDefinition, portsOf, type Step, waitKinds } from './schema.ts';

/** One thing wrong with a definition: where (an API field path) and what, naming the step. */
export interface GraphProblem {
  field: string;
  message: string;
}

const stepPath = (i: number, rest?: string) => `steps.${i}${rest ? `.${rest}` : ''}`;

/**
 * The graph alone: unique ids, a start that exists, every port known and pointing at a step,
 * required ports connected, every step reachable from the start, no cycle that a run could go
 * round without waiting, split shares adding up to 100.
 */
export function graphProblems(def: JourneyDefinition): GraphProblem[] {
  const problems: GraphProblem[] = [];
  const index = new Map<string, number>();
  def.steps.forEach((s, i) => {
    if (index.has(s.id)) problems.push({ field: stepPath(i, 'id'), message: `step "${s.id}": the id is used by another step` });
    else index.set(s.id, i);
  });
  if (!index.has(def.start)) problems.push({ field: 'start', message: `start: no step "${def.start}"` });

  const edges = new Map<string, string[]>();
  def.steps.forEach((s, i) => {
    const { required, optional } = portsOf(s);
    const next = ('next' in s ? s.next : {}) as Record<string, string | undefined>;
    for (const [port, target] of Object.entries(next)) {
      if (target === undefined) continue;
      if (!required.includes(port) && !optional.includes(port)) {
        problems.push({ field: stepPath(i, `next.${port}`), message: `step "${s.id}": a ${s.kind} step has no port "${port}"` });
      } else if (!index.has(target)) {
        problems.push({ field: stepPath(i, `next.${port}`), message: `step "${s.id}": port "${port}" leads to a step that does not exist ("${target}")` });
      }
    }
    for (const port of required) {
      if (next[port] === undefined) problems.push({ field: stepPath(i, `next.${port}`), message: `step "${s.id}": port "${port}" has no target` });
    }
    edges.set(s.id, Object.values(next).filter((t): t is string => t !== undefined && index.has(t)));
    if (s.kind === 'split') {
      const total = s.branches.reduce((sum, b) => sum + b.percent, 0) + s.holdoutPercent;
      if (Math.abs(total - 100) > 1e-9) problems.push({ field: stepPath(i, 'branches'), message: `step "${s.id}": branch and holdout percentages add up to ${total}, not 100` });
      const keys = new Set<string>();
      for (const [b, branch] of s.branches.entries()) {
        if (keys.has(branch.key)) problems.push({ field: stepPath(i, `branches.${b}.key`), message: `step "${s.id}": branch "${branch.key}" is listed twice` });
        keys.add(branch.key);
      }
    }
  });

  // Reachability from the start.
  const seen = new Set<string>();
  const stack = index.has(def.start) ? [def.start] : [];
  while (stack.length) {
    const id = stack.pop() as string;
    if (seen.has(id)) continue;
    seen.add(id);
    stack.push(...(edges.get(id) ?? []));
  }
  def.steps.forEach((s, i) => {
    if (index.get(s.id) === i && !seen.has(s.id) && index.has(def.start)) problems.push({ field: stepPath(i), message: `step "${s.id}": no path from the start reaches it` });
  });

  // A cycle among steps that never wait would spin a run forever inside one transaction.
  const kindOf = new Map(def.steps.map((s) => [s.id, s.kind]));
  const state = new Map<string, 'open' | 'done'>();
  const reported = new Set<string>();
  const visit = (id: string, path: string[]): void => {
    state.set(id, 'open');
    for (const to of edges.get(id) ?? []) {
      if (waitKinds.has(kindOf.get(to) as Step['kind'])) continue;
      if (state.get(to) === 'open') {
        const cycle = [...path.slice(path.indexOf(to)), id].filter((x, k, all) => all.indexOf(x) === k);
        const key = [...cycle].sort().join(',');
        if (!reported.has(key)) {
          reported.add(key);
          problems.push({ field: stepPath(index.get(to) as number), message: `step "${to}": it is on a cycle without a wait (${[...cycle, to].join(' → ')})` });
        }
      } else if (!state.has(to)) visit(to, [...path, to]);
    }
    state.set(id, 'done');
  };
  for (const s of def.steps) if (!waitKinds.has(s.kind) && !state.has(s.id)) visit(s.id, [s.id]);
  return problems;
}

/** What must exist in the workspace: templates, channels, segments, team members, attributes; rules must compile. */
export async function workspaceProblems(db: Db, workspaceId: string, def: JourneyDefinition, deps: { triggers: TriggerRegistry; defaultCountry: string }): Promise<GraphProblem[]> {
  const problems: GraphProblem[] = [];
  const segmentIds = new Set<string>();
  const templateIds = new Set<string>();
  const assignees = new Set<string>();
  for (const s of def.steps) {
    if (s.kind === 'send') templateIds.add(s.templateId);
    if (s.kind === 'segment') segmentIds.add(s.segmentId);
    if (s.kind === 'condition' && s.check.type === 'segment') segmentIds.add(s.check.segmentId);
    if (s.kind === 'task' && s.assigneeId) assignees.add(s.assigneeId);
  }
  if (def.trigger.kind === 'segment') segmentIds.add(def.trigger.segmentId);

  const segments = segmentIds.size
    ? await db.selectFrom('segments').select(['id', 'kind']).where('workspace_id', '=', workspaceId).where('id', 'in', [...segmentIds]).execute()
    : [];
  const segmentKind = new Map(segments.map((s) => [s.id, s.kind]));
  const templates = templateIds.size
    ? await db.selectFrom('message_templates').select('id').where('workspace_id', '=', workspaceId).where(sql<boolean>`id::text = any(${[...templateIds]}::text[])`).execute()
    : [];
  const knownTemplates = new Set(templates.map((t) => t.id));
  const channelRows = await db.selectFrom('channel_configs').select('kind').where('workspace_id', '=', workspaceId).where('enabled', '=', true).execute();
  const channels = new Set(channelRows.map((c) => c.kind));
  const members = assignees.size
    ? await db.selectFrom('memberships').select('user_id').where('workspace_id', '=', workspaceId).where('user_id', 'in', [...assignees]).execute()
    : [];
  const knownMembers = new Set(members.map((m) => m.user_id));
  const attributeRows = await db.selectFrom('attribute_definitions').select(['key', 'type']).where('workspace_id', '=', workspaceId).execute();
  const attributes = new Map(attributeRows.map((a) => [a.key, a.type]));
  const needsRules = def.steps.some((s) => s.kind === 'condition' && s.check.type === 'rules');
  const ruleContext = needsRules ? await loadRuleContext(db, workspaceId, deps.defaultCountry) : undefined;

  if (def.trigger.kind === 'segment' && !segmentKind.has(def.trigger.segmentId)) problems.push({ field: 'trigger.segmentId', message: 'trigger: no segment with this id in the workspace' });
  problems.push(...deps.triggers.problems(def.trigger));

  def.steps.forEach((s, i) => {
    const at = (rest: string, message: string) => problems.push({ field: stepPath(i, rest), message: `step "${s.id}": ${message}` });
    switch (s.kind) {
      case 'send':
        if (!knownTemplates.has(s.templateId)) at('templateId', 'no template with this id in the workspace');
        if (s.channels === 'auto') {
          if (channels.size === 0) at('channels', 'the workspace has no enabled channel');
        } else {
          s.channels.forEach((kind, k) => {
            if (!channels.has(kind)) at(`channels.${k}`, `no enabled ${kind} channel in the workspace`);
          });
        }
        break;
      case 'segment':
        if (!segmentKind.has(s.segmentId)) at('segmentId', 'no segment with this id in the workspace');
        else if (segmentKind.get(s.segmentId) !== 'manual') at('segmentId', 'only manual segments take members by hand; a dynamic one follows its rules');
        break;
      case 'condition':
        if (s.check.type === 'segment' && !segmentKind.has(s.check.segmentId)) at('check.segmentId', 'no segment with this id in the workspace');
        if (s.check.type === 'rules' && ruleContext) {
          try {
            compileRules(s.check.rules, ruleContext, stepPath(i, 'check.rules'));
          } catch (e) {
            const err = e as AppError;
            problems.push({ field: err.field ?? stepPath(i, 'check.rules'), message: `step "${s.id}": ${err.message}` });
          }
        }
        break;
      case 'task':
        if (s.assigneeId && !knownMembers.has(s.assigneeId)) at('assigneeId', 'is not a member of this workspace');
        break;
      case 'update_attributes':
        for (const key of Object.keys(s.attributes)) if (!attributes.has(key)) at(`attributes.${key}`, `no custom attribute "${key}" is defined in this workspace`);
        break;
      case 'wait_until_date':
        if (attributes.get(s.attribute) !== 'date') at('attribute', attributes.has(s.attribute) ? `the attribute "${s.attribute}" is not a date` : `no custom attribute "${s.attribute}" is defined in this workspace`);
        break;
      default:
        break;
    }
  });
  return problems;
}

/** Throws a 400 listing every problem (the first one's field and message on top); returns when there are none. */
export function rejectProblems(problems: GraphProblem[]): void {
  const [first] = problems;
  if (!first) return;
  const more = problems.length > 1 ? ` (and ${problems.length - 1} more problem${problems.length > 2 ? 's' : ''})` : '';
  throw new AppError('INVALID_INPUT', `${first.message}${more}`, { field: first.field, problems: problems.map((p, index) => ({ index, field: p.field, reason: p.message })) });
}

/** Activation's check: the graph, then the workspace. */
export async function assertActivatable(db: Db, workspaceId: string, def: JourneyDefinition, deps: { triggers: TriggerRegistry; defaultCountry: string }): Promise<void> {
  rejectProblems([...graphProblems(def), ...(await workspaceProblems(db, workspaceId, def, deps))]);
}
