import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../api/client';
import type { Page, Permission, Session } from '../api/types';
import type { Definition, Journey, JourneyAnalytics, JourneyDetail, Problem, Simulation } from './types';

const BASE = '/api/v1/journeys';
const path = (id: string, rest = '') => `${BASE}/${encodeURIComponent(id)}${rest}`;

/** How often live counters refresh while a journey page is open. */
export const LIVE_MS = 3000;

/** journeys:manage is newer than the console's Permission list; the server sends and enforces it. */
export const canManageJourneys = (session: Session) => session.permissions.includes('journeys:manage' as Permission);

export const journeyKeys = {
  all: ['journeys'] as const,
  list: ['journeys', 'list'] as const,
  one: (id: string) => ['journeys', 'one', id] as const,
  analytics: (id: string) => ['journeys', 'analytics', id] as const,
};

export function useJourneys() {
  return useInfiniteQuery({
    queryKey: journeyKeys.list,
    queryFn: ({ pageParam, signal }) => api.get<Page<Journey>>(BASE, { limit: 50, cursor: pageParam }, signal),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
}

export function useJourney(id: string) {
  return useQuery({ queryKey: journeyKeys.one(id), queryFn: ({ signal }) => api.get<JourneyDetail>(path(id), undefined, signal) });
}

/** Entered, current and reached per step: polled while the page is open (`live`). */
export function useJourneyAnalytics(id: string, live: boolean) {
  return useQuery({
    queryKey: journeyKeys.analytics(id),
    queryFn: ({ signal }) => api.get<JourneyAnalytics>(path(id, '/analytics'), undefined, signal),
    refetchInterval: live ? LIVE_MS : false,
  });
}

export function useCreateJourney() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: { name: string } & Definition) => api.post<Journey>(BASE, body),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: journeyKeys.list }),
  });
}

export function useSaveJourney(id: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: Partial<{ name: string } & Definition>) => api.patch<Journey>(path(id), body),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: journeyKeys.all }),
  });
}

export type JourneyAction = 'activate' | 'pause' | 'resume' | 'archive';

export function useJourneyAction() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ id, action }: { id: string; action: JourneyAction }) => api.post<JourneyDetail>(path(id, `/${action}`)),
    onSettled: () => queryClient.invalidateQueries({ queryKey: journeyKeys.all }),
  });
}

/** Activation's checks of the canvas as it is (saved or not). */
export function useCheckJourney(id: string) {
  return useMutation({ mutationFn: (definition: Definition) => api.post<{ problems: Problem[] }>(path(id, '/check'), { definition }) });
}

export interface SimulateInput {
  customerId: string;
  definition: Definition;
  assume: { events: 'timeout' | 'occur'; goal: boolean };
}

export function useSimulate(id: string) {
  return useMutation({ mutationFn: (body: SimulateInput) => api.post<Simulation>(path(id, '/simulate'), body) });
}
