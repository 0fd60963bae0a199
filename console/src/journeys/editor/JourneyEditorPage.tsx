import { Alert, Badge, Box, Button, Group, List, Paper, ScrollArea, Stack, Tabs, Text, TextInput, Tooltip } from '@mantine/core';
import { IconAlertTriangle, IconCheck, IconDeviceFloppy } from '@tabler/icons-react';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useParams } from 'react-router';
import { isApiError } from '../../api/client';
import { useSession } from '../../auth/session';
import { BackLink } from '../../segments/BackLink';
import { useNotifyError, useNotifySuccess, withoutFieldPrefix } from '../../shared/errors';
import { Loading, QueryError } from '../../shared/states';
import { AnalyticsSummary } from '../AnalyticsSummary';
import { Canvas } from '../canvas/Canvas';
import { connect, insertStep, removeSteps, renameStep, TRIGGER_ID } from '../canvas/graph';
import { actionsFor } from '../JourneysPage';
import { canManageJourneys, type JourneyAction, useCheckJourney, useJourney, useJourneyAction, useJourneyAnalytics, useSaveJourney } from '../queries';
import { JourneyStatusBadge } from '../StatusBadge';
import { newStep, STEP_ICONS, STEP_KINDS, stepOfProblem } from '../steps';
import type { Definition, JourneyDetail, Problem, Simulation, Step, StepKind } from '../types';
import { definitionOf, problemsByNode, toApiDefinition } from './draft';
import { useLookups } from './lookups';
import { SettingsForm } from './SettingsForm';
import { SimulationPanel } from './SimulationPanel';
import { StepForm } from './StepForm';

/** Problems from an API error: the check's list, or the one field a 400 names (`definition.` stripped). */
function problemsOf(error: unknown): Problem[] | null {
  if (!isApiError(error) || error.status !== 400 || !error.field) return null;
  return [{ field: error.field.replace(/^definition\./, ''), message: withoutFieldPrefix(error) }];
}

/** `/journeys/:id`: the canvas with its palette, the side panel (configure or simulate), problems and live counters. */
export function JourneyEditorPage() {
  const { id = '' } = useParams();
  const journey = useJourney(id);
  if (journey.isPending) return <Loading testId="journey-loading" />;
  if (journey.isError) return <QueryError error={journey.error} onRetry={() => void journey.refetch()} />;
  return <Editor key={journey.data.id} journey={journey.data} />;
}

function Editor({ journey }: { journey: JourneyDetail }) {
  const { t } = useTranslation();
  const notify = useNotifyError();
  const success = useNotifySuccess();
  const manage = canManageJourneys(useSession());
  const editable = manage && journey.status !== 'archived';
  const lookups = useLookups();
  const [def, setDef] = useState<Definition>(() => definitionOf(journey));
  const [name, setName] = useState(journey.name);
  const [dirty, setDirty] = useState(false);
  const [selected, setSelected] = useState<string | null>(null);
  const [problems, setProblems] = useState<Problem[] | null>(null);
  const [simulation, setSimulation] = useState<Simulation | null>(null);
  const [tab, setTab] = useState<string | null>('configure');
  const defRef = useRef(def);
  defRef.current = def;

  const analytics = useJourneyAnalytics(journey.id, journey.status !== 'draft');
  const save = useSaveJourney(journey.id);
  const check = useCheckJourney(journey.id);
  const action = useJourneyAction();

  // The server's journey changed (a state change, another tab's save): follow it unless edited here.
  useEffect(() => {
    if (!dirty) {
      setDef(definitionOf(journey));
      setName(journey.name);
    }
  }, [journey, dirty]);

  const change = useCallback((next: Definition) => {
    setDef(next);
    setDirty(true);
    setSimulation(null);
  }, []);

  const stats = useMemo(() => (analytics.data ? new Map(analytics.data.steps.map((s) => [s.stepId, s])) : null), [analytics.data]);
  const byNode = useMemo(() => problemsByNode(def, problems ?? [], TRIGGER_ID), [def, problems]);
  const path = useMemo(() => {
    const steps = new Set(simulation?.path.map((p) => p.stepId) ?? []);
    const edges = new Set((simulation?.path ?? []).map((p) => `${p.stepId}:${p.port}`));
    return { steps, edges };
  }, [simulation]);

  const step = def.steps.find((s) => s.id === selected);

  const add = (kind: StepKind) => {
    const created = newStep(kind, new Set(def.steps.map((s) => s.id)));
    change(insertStep(def, created, selected));
    setSelected(created.id);
    setTab('configure');
  };

  /** Saves the canvas; resolves false (and shows the problem on its node) when the server refuses. */
  const persist = async (): Promise<boolean> => {
    try {
      await save.mutateAsync({ name: name.trim() || journey.name, ...toApiDefinition(def) });
      setDirty(false);
      return true;
    } catch (error) {
      const found = problemsOf(error);
      if (found) setProblems(found);
      else notify(error);
      return false;
    }
  };

  const runCheck = async (): Promise<Problem[] | null> => {
    try {
      const found = (await check.mutateAsync(toApiDefinition(def))).problems;
      setProblems(found);
      return found;
    } catch (error) {
      const found = problemsOf(error);
      if (found) setProblems(found);
      else notify(error);
      return null;
    }
  };

  const act = async (a: JourneyAction) => {
    if (a === 'activate') {
      const found = await runCheck();
      if (!found || found.length > 0) return;
    }
    if (dirty && !(await persist())) return;
    try {
      await action.mutateAsync({ id: journey.id, action: a });
      setProblems(null);
      success(t(`journeys.actions.done.${a}`));
    } catch (error) {
      const found = problemsOf(error);
      if (found) setProblems(found);
      else notify(error);
    }
  };

  const setStep = (s: Step) => change({ ...def, steps: def.steps.map((x) => (x.id === s.id ? s : x)) });
  const problemList = problems ?? [];

  return (
    <Stack gap="sm" data-testid="journey-editor" data-status={journey.status}>
      <BackLink to="/journeys">{t('journeys.title')}</BackLink>
      <Group justify="space-between" wrap="wrap">
        <Group gap="sm">
          <TextInput value={name} onChange={(e) => { setName(e.currentTarget.value); setDirty(true); }} disabled={!editable} aria-label={t('journeys.columns.name')} data-testid="journey-name" w={280} />
          <JourneyStatusBadge status={journey.status} />
          {journey.version > 0 && <Badge variant="outline" color="gray">{t('journeys.version', { n: journey.version })}</Badge>}
          {dirty && <Text size="xs" c="orange" data-testid="journey-dirty">{t('journeys.unsaved')}</Text>}
        </Group>
        {manage && (
          <Group gap="xs">
            {editable && (
              <Button variant="default" leftSection={<IconDeviceFloppy size={16} />} onClick={() => void persist().then((ok) => ok && success(t('journeys.saved')))} disabled={!dirty} loading={save.isPending} data-testid="journey-save">
                {t('common.save')}
              </Button>
            )}
            <Button variant="default" leftSection={<IconCheck size={16} />} onClick={() => void runCheck()} loading={check.isPending} data-testid="journey-check">
              {t('journeys.check')}
            </Button>
            {actionsFor(journey.status).map((a) => (
              <Button key={a} color={a === 'archive' ? 'red' : undefined} variant={a === 'archive' ? 'light' : 'filled'} onClick={() => void act(a)} loading={action.isPending && action.variables?.action === a} data-testid={`journey-${a}`}>
                {t(`journeys.actions.${a}`)}
              </Button>
            ))}
          </Group>
        )}
      </Group>
      {analytics.data && journey.status !== 'draft' && <AnalyticsSummary analytics={analytics.data} />}
      <Group align="stretch" gap="sm" wrap="nowrap" style={{ height: 'calc(100vh - 250px)', minHeight: 520 }}>
        {editable && (
          <Paper withBorder p="xs" w={190} data-testid="journey-palette">
            <ScrollArea h="100%">
              <Stack gap={4}>
                <Text size="xs" fw={600} c="dimmed">
                  {t('journeys.palette')}
                </Text>
                {STEP_KINDS.map((kind) => {
                  const Icon = STEP_ICONS[kind];
                  return (
                    <Tooltip key={kind} label={t('journeys.addHint')} openDelay={600}>
                      <Button variant="subtle" size="compact-sm" justify="start" leftSection={<Icon size={15} />} onClick={() => add(kind)} data-testid={`palette-${kind}`}>
                        {t(`journeys.kinds.${kind}`)}
                      </Button>
                    </Tooltip>
                  );
                })}
              </Stack>
            </ScrollArea>
          </Paper>
        )}
        <Paper withBorder style={{ flex: 1, minWidth: 0, overflow: 'hidden' }}>
          <Canvas def={def} onChange={change} selected={selected} onSelect={setSelected} problems={byNode} stats={journey.status === 'draft' ? null : stats} path={path} names={lookups.names} editable={editable} />
        </Paper>
        <Paper withBorder p="sm" w={380} style={{ display: 'flex', flexDirection: 'column' }} data-testid="journey-side">
          <Tabs value={tab} onChange={setTab} style={{ flex: 1, display: 'flex', flexDirection: 'column', minHeight: 0 }}>
            <Tabs.List>
              <Tabs.Tab value="configure" data-testid="tab-configure">{t('journeys.configure')}</Tabs.Tab>
              <Tabs.Tab value="simulate" data-testid="tab-simulate">{t('journeys.simulate.title')}</Tabs.Tab>
            </Tabs.List>
            <ScrollArea style={{ flex: 1 }} pt="sm">
              <Tabs.Panel value="configure">
                {step ? (
                  <StepForm
                    step={step}
                    steps={def.steps}
                    lookups={lookups}
                    editable={editable}
                    problems={byNode.get(step.id) ?? []}
                    onChange={setStep}
                    onRename={(to) => {
                      change(renameStep(def, step.id, to));
                      setSelected(to);
                    }}
                    onConnect={(port, target) => change(connect(def, step.id, port, target))}
                    onDelete={() => {
                      change(removeSteps(def, new Set([step.id])));
                      setSelected(null);
                    }}
                  />
                ) : (
                  <SettingsForm def={def} onChange={change} lookups={lookups} editable={editable} activated={journey.status !== 'draft'} />
                )}
              </Tabs.Panel>
              <Tabs.Panel value="simulate">
                <SimulationPanel journeyId={journey.id} def={() => toApiDefinition(defRef.current)} result={simulation} onResult={setSimulation} />
              </Tabs.Panel>
            </ScrollArea>
          </Tabs>
        </Paper>
      </Group>
      {problems !== null && (
        <Box data-testid="journey-problems" data-count={problemList.length}>
          {problemList.length === 0 ? (
            <Alert color="teal" icon={<IconCheck size={16} />} p="xs" data-testid="journey-valid">
              {t('journeys.noProblems')}
            </Alert>
          ) : (
            <Alert color="red" icon={<IconAlertTriangle size={16} />} title={t('journeys.problems', { n: problemList.length })} p="xs">
              <List size="sm" spacing={2}>
                {problemList.map((p) => {
                  const node = stepOfProblem(def, p.field);
                  return (
                    <List.Item key={`${p.field}:${p.message}`} data-testid="journey-problem" data-field={p.field}>
                      <Text size="sm" component="span" style={{ cursor: node ? 'pointer' : undefined }} onClick={() => node && setSelected(node)}>
                        {p.message}
                      </Text>{' '}
                      <Text span size="xs" c="dimmed" dir="ltr">
                        ({p.field})
                      </Text>
                    </List.Item>
                  );
                })}
              </List>
            </Alert>
          )}
        </Box>
      )}
    </Stack>
  );
}
