import { toApiRule } from '../../segments/rules';
import { withLayout } from '../canvas/graph';
import type { Definition, Journey, Problem, Step } from '../types';
import { stepOfProblem } from '../steps';

/** The definition fields of a journey, with positions for steps that had none. */
export function definitionOf(j: Journey): Definition {
  const def: Definition = { trigger: j.trigger, start: j.start, steps: j.steps, goal: j.goal, reentry: j.reentry, holdoutPercent: j.holdoutPercent, layout: j.layout ?? {} };
  return { ...def, layout: withLayout(def) };
}

/** The canvas as the API takes it: condition rules without the operands their operators ignore. */
export function toApiDefinition(def: Definition): Definition {
  return {
    ...def,
    steps: def.steps.map((s): Step => (s.kind === 'condition' && s.check.type === 'rules' ? { ...s, check: { ...s.check, rules: toApiRule(s.check.rules) } } : s)),
  };
}

/** Problems grouped by the node they belong to; those of no step (trigger, start, goal) go on the trigger node. */
export function problemsByNode(def: Definition, problems: readonly Problem[], triggerId: string): Map<string, string[]> {
  const map = new Map<string, string[]>();
  for (const p of problems) {
    const node = stepOfProblem(def, p.field) ?? triggerId;
    map.set(node, [...(map.get(node) ?? []), p.message]);
  }
  return map;
}
