import { Background, Controls, type Edge, type EdgeChange, MarkerType, type NodeChange, ReactFlow, useReactFlow } from '@xyflow/react';
import '@xyflow/react/dist/style.css';
import { useEffect, useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { useFormat } from '../../i18n/format';
import { directionOf, isLanguage } from '../../i18n/language';
import { usePercent } from '../format';
import { portsOf, STEP_ICONS, type SummaryNames, summaryOf, triggerSummary } from '../steps';
import type { Definition, StepStats } from '../types';
import { connect, edgesOf, NODE_WIDTH, removeSteps, TRIGGER_ID } from './graph';
import { type StepFlowNode, StepNode } from './StepNode';

const nodeTypes = { step: StepNode };

/** Keeps every node in view as steps are added or removed (the user's own pan and zoom stay otherwise). */
function FitOnChange({ count }: { count: number }) {
  const flow = useReactFlow();
  // biome-ignore lint/correctness/useExhaustiveDependencies: `count` is the trigger: the view refits when the number of steps changes
  useEffect(() => {
    const timer = setTimeout(() => void flow.fitView({ padding: 0.2, maxZoom: 1, duration: 200 }), 50);
    return () => clearTimeout(timer);
  }, [count, flow]);
  return null;
}

export interface CanvasProps {
  def: Definition;
  onChange: (next: Definition) => void;
  selected: string | null;
  onSelect: (id: string | null) => void;
  problems: ReadonlyMap<string, string[]>;
  /** Live counters per step; null before the journey ran (or while loading). */
  stats: ReadonlyMap<string, StepStats> | null;
  /** The simulated path: steps visited and edges taken (`step:port`). */
  path: { steps: ReadonlySet<string>; edges: ReadonlySet<string> };
  names: Omit<SummaryNames, 'number'>;
  editable: boolean;
}

/**
 * The journey as a graph: the trigger on top, a node per step, an edge per connected port.
 * Dragging a node moves it (positions are saved in the definition's `layout`), dragging from a
 * port's handle to a node connects it, Delete removes the selection. The canvas itself is laid
 * out left to right in every language; node texts follow the console's direction.
 */
export function Canvas({ def, onChange, selected, onSelect, problems, stats, path, names, editable }: CanvasProps) {
  const { t, i18n } = useTranslation();
  const percent = usePercent();
  const format = useFormat();
  const summaryNames = useMemo<SummaryNames>(() => ({ ...names, number: format.number }), [names, format]);
  const dir = directionOf(isLanguage(i18n.language) ? i18n.language : 'en');

  const nodes = useMemo<StepFlowNode[]>(() => {
    const first = def.layout[def.start] ?? { x: 0, y: 150 };
    const trigger: StepFlowNode = {
      id: TRIGGER_ID,
      type: 'step',
      position: def.layout[TRIGGER_ID] ?? { x: first.x, y: first.y - 150 },
      deletable: false,
      selected: selected === TRIGGER_ID,
      data: {
        icon: STEP_ICONS.exit,
        kindLabel: '',
        title: t('journeys.trigger'),
        summary: triggerSummary(t, def.trigger),
        stepId: null,
        ports: [{ key: 'start', label: '' }],
        problems: problems.get(TRIGGER_ID) ?? [],
        stats: null,
        onPath: path.steps.size > 0,
        dir,
      },
    };
    return [
      trigger,
      ...def.steps.map((s): StepFlowNode => {
        const st = stats?.get(s.id);
        return {
          id: s.id,
          type: 'step',
          position: def.layout[s.id] ?? { x: 0, y: 0 },
          selected: selected === s.id,
          deletable: editable,
          data: {
            icon: STEP_ICONS[s.kind],
            kindLabel: t(`journeys.kinds.${s.kind}`),
            title: s.name || s.id,
            summary: summaryOf(t, s, summaryNames),
            stepId: s.id,
            ports: portsOf(s).map((key) => ({ key, label: t(`journeys.ports.${key}`, { defaultValue: key }) })),
            problems: problems.get(s.id) ?? [],
            stats: st ? { current: st.current, reached: st.reached, dropOff: st.dropOff } : stats ? { current: 0, reached: 0, dropOff: 0 } : null,
            onPath: path.steps.has(s.id),
            dir,
          },
        };
      }),
    ];
  }, [def, selected, problems, stats, path, summaryNames, editable, dir, t]);

  const edges = useMemo<Edge[]>(
    () =>
      edgesOf(def).map((e) => {
        const from = def.steps.find((s) => s.id === e.source);
        const st = stats?.get(e.source);
        const portLabel = e.port === 'start' || e.port === 'next' ? '' : t(`journeys.ports.${e.port}`, { defaultValue: e.port });
        const split = from?.kind === 'split' ? from.branches.find((b) => b.key === e.port) : undefined;
        const count = st?.ports[e.port];
        const parts = [portLabel + (split ? ` ${split.percent}%` : ''), count !== undefined && st && st.reached > 0 ? `${format.number(count)} (${percent(count / st.reached)})` : ''];
        const label = parts.filter(Boolean).join(' · ');
        const taken = e.source === TRIGGER_ID ? path.steps.size > 0 : path.edges.has(e.id);
        return {
          id: e.id,
          source: e.source,
          sourceHandle: e.sourceHandle,
          target: e.target,
          deletable: editable && e.source !== TRIGGER_ID,
          label: label || undefined,
          animated: taken,
          markerEnd: { type: MarkerType.ArrowClosed },
          style: taken ? { stroke: 'var(--mantine-color-blue-6)', strokeWidth: 2.5 } : undefined,
          labelStyle: { fontSize: 11 },
          data: { port: e.port },
        };
      }),
    [def, stats, path, editable, percent, format, t],
  );

  const onNodesChange = (changes: NodeChange<StepFlowNode>[]) => {
    let next = def;
    const removed = new Set<string>();
    for (const c of changes) {
      if (c.type === 'position' && c.position) next = { ...next, layout: { ...next.layout, [c.id]: { x: Math.round(c.position.x), y: Math.round(c.position.y) } } };
      else if (c.type === 'remove' && c.id !== TRIGGER_ID && editable) removed.add(c.id);
      else if (c.type === 'select' && c.selected) onSelect(c.id);
    }
    if (removed.size) {
      next = removeSteps(next, removed);
      if (selected && removed.has(selected)) onSelect(null);
    }
    if (next !== def) onChange(next);
  };

  const onEdgesChange = (changes: EdgeChange[]) => {
    let next = def;
    for (const c of changes) {
      if (c.type !== 'remove' || !editable) continue;
      const edge = edges.find((e) => e.id === c.id);
      if (edge?.sourceHandle) next = connect(next, edge.source, edge.sourceHandle, undefined);
    }
    if (next !== def) onChange(next);
  };

  return (
    <div dir="ltr" style={{ height: '100%', width: '100%' }} data-testid="journey-canvas">
      <ReactFlow
        nodes={nodes}
        edges={edges}
        nodeTypes={nodeTypes}
        onNodesChange={onNodesChange}
        onEdgesChange={onEdgesChange}
        onConnect={(c) => editable && c.source && c.target && c.target !== TRIGGER_ID && onChange(connect(def, c.source, c.sourceHandle ?? 'next', c.target))}
        onPaneClick={() => onSelect(null)}
        nodesDraggable={editable}
        nodesConnectable={editable}
        deleteKeyCode={editable ? ['Delete', 'Backspace'] : null}
        fitView
        fitViewOptions={{ padding: 0.2, maxZoom: 1 }}
        minZoom={0.2}
        defaultEdgeOptions={{ type: 'smoothstep' }}
        style={{ ['--xy-node-width' as string]: `${NODE_WIDTH}px` }}
      >
        <Background gap={20} />
        <Controls showInteractive={false} />
        <FitOnChange count={def.steps.length} />
      </ReactFlow>
    </div>
  );
}
