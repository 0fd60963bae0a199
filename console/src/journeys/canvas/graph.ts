import { portsOf } from '../steps';
import type { Definition, Step } from '../types';

/** The trigger's node: not a step, its one edge is the definition's `start`. */
export const TRIGGER_ID = '__trigger';
export const NODE_WIDTH = 240;
const ROW = 150;

/**
 * Positions for steps the layout does not know (a journey made through the API, a ready-made
 * one): layered by their distance from the start, side by side within a layer.
 */
export function withLayout(def: Definition): Definition['layout'] {
  const layout = { ...def.layout };
  const missing = def.steps.filter((s) => !layout[s.id]);
  if (missing.length === 0) return layout;
  const depth = new Map<string, number>();
  const queue = def.steps.some((s) => s.id === def.start) ? [def.start] : [];
  depth.set(def.start, 1);
  const byId = new Map(def.steps.map((s) => [s.id, s]));
  while (queue.length) {
    const id = queue.shift() as string;
    for (const to of Object.values(byId.get(id)?.next ?? {})) {
      if (to && byId.has(to) && !depth.has(to)) {
        depth.set(to, (depth.get(id) ?? 0) + 1);
        queue.push(to);
      }
    }
  }
  const perRow = new Map<number, number>();
  for (const s of missing) {
    const row = depth.get(s.id) ?? Math.max(1, ...depth.values()) + 1;
    const column = perRow.get(row) ?? 0;
    perRow.set(row, column + 1);
    layout[s.id] = { x: column * (NODE_WIDTH + 40), y: row * ROW };
  }
  return layout;
}

/**
 * Adds `created` after the selected node, the way one builds top to bottom: after the trigger it
 * becomes the start; after a step it takes the step's first free port, or, when every port is
 * taken, goes between the step and what its first port led to. The new node sits one row below,
 * and nodes in its way move down a row. With nothing selected it goes under the lowest node,
 * unconnected.
 */
export function insertStep(def: Definition, created: Step, selected: string | null): Definition {
  const firstPort = portsOf(created)[0];
  const from = def.steps.find((s) => s.id === selected);
  const startAt = def.layout[def.start];
  let at: { x: number; y: number };
  let next: Definition = { ...def, steps: [...def.steps, created] };
  let displaced: string | undefined;
  if (selected === TRIGGER_ID) {
    at = startAt ?? { x: 0, y: ROW };
    displaced = def.steps.some((s) => s.id === def.start) ? def.start : undefined;
    next = { ...next, start: created.id };
  } else if (from) {
    const ports = portsOf(from);
    const free = ports.find((p) => !from.next?.[p]);
    const port = free ?? ports[0];
    const origin = def.layout[from.id] ?? { x: 0, y: 0 };
    at = { x: origin.x + Math.max(0, ports.indexOf(port ?? '')) * (NODE_WIDTH + 40), y: origin.y + ROW };
    if (port) {
      displaced = free ? undefined : from.next?.[port];
      next = connect(next, from.id, port, created.id);
    }
  } else {
    at = { x: startAt?.x ?? 0, y: Math.max(0, ...Object.values(def.layout).map((p) => p.y)) + ROW };
  }
  if (displaced && firstPort) next = connect(next, created.id, firstPort, displaced);
  // Make room: everything from the new row down moves one row, when something is in the way.
  const blocked = Object.values(def.layout).some((p) => Math.abs(p.x - at.x) < NODE_WIDTH && Math.abs(p.y - at.y) < ROW / 2);
  const layout = blocked ? Object.fromEntries(Object.entries(def.layout).map(([id, p]) => [id, p.y >= at.y - ROW / 2 ? { x: p.x, y: p.y + ROW } : p])) : { ...def.layout };
  return { ...next, layout: { ...layout, [created.id]: at } };
}

export interface GraphEdge {
  id: string;
  source: string;
  sourceHandle: string;
  target: string;
  port: string;
}

/** Every connected port as an edge, plus the trigger → start edge. */
export function edgesOf(def: Definition): GraphEdge[] {
  const ids = new Set(def.steps.map((s) => s.id));
  const edges: GraphEdge[] = [];
  if (ids.has(def.start)) edges.push({ id: `${TRIGGER_ID}:start`, source: TRIGGER_ID, sourceHandle: 'start', target: def.start, port: 'start' });
  for (const s of def.steps) {
    for (const port of portsOf(s)) {
      const target = s.next?.[port];
      if (target && ids.has(target)) edges.push({ id: `${s.id}:${port}`, source: s.id, sourceHandle: port, target, port });
    }
  }
  return edges;
}

/** The definition with `step.port` (or the trigger's start) pointing at `target`; undefined disconnects. */
export function connect(def: Definition, source: string, port: string, target: string | undefined): Definition {
  if (source === TRIGGER_ID) return target ? { ...def, start: target } : def;
  return {
    ...def,
    steps: def.steps.map((s) => {
      if (s.id !== source || s.kind === 'exit') return s;
      const next = { ...(s.next ?? {}) };
      if (target) next[port] = target;
      else delete next[port];
      return { ...s, next } as Step;
    }),
  };
}

/** Removes steps and every port that pointed at them. */
export function removeSteps(def: Definition, ids: ReadonlySet<string>): Definition {
  const layout = { ...def.layout };
  for (const id of ids) delete layout[id];
  return {
    ...def,
    layout,
    steps: def.steps
      .filter((s) => !ids.has(s.id))
      .map((s) => (s.kind === 'exit' || !s.next ? s : ({ ...s, next: Object.fromEntries(Object.entries(s.next).filter(([, to]) => !to || !ids.has(to))) } as Step))),
  };
}

/** Renames a step everywhere it is referenced (ports, start, layout). */
export function renameStep(def: Definition, from: string, to: string): Definition {
  const layout = { ...def.layout };
  if (layout[from]) {
    layout[to] = layout[from];
    delete layout[from];
  }
  return {
    ...def,
    start: def.start === from ? to : def.start,
    layout,
    steps: def.steps.map((s) => {
      const renamed = s.id === from ? { ...s, id: to } : s;
      if (renamed.kind === 'exit' || !renamed.next) return renamed as Step;
      return { ...renamed, next: Object.fromEntries(Object.entries(renamed.next).map(([p, t]) => [p, t === from ? to : t])) } as Step;
    }),
  };
}
