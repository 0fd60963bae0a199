import { keepPreviousData, useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef } from 'react';
import { api } from '../api/client';
import type { Page, Session } from '../api/types';
import type {
  AnalyticsSettings,
  AnalyticsStatus,
  AssociationRule,
  CohortGrain,
  CohortReport,
  CompareReport,
  Calendar,
  CustomerAnalytics,
  KpiQuery,
  KpiReport,
  ModelsReport,
  RfmReport,
  RfmSegment,
  RiskBand,
  ScoredCustomer,
  ScoredSort,
  SettingsPatch,
} from './types';

const BASE = '/api/v1/analytics';

/** Whether the session may read analytics, or also change its settings and recompute. */
export function canAnalytics(session: Session, level: 'read' | 'manage'): boolean {
  return session.permissions.includes(`analytics:${level}`);
}

export const analyticsKeys = {
  all: ['analytics'] as const,
  settings: ['analytics', 'settings'] as const,
  status: ['analytics', 'status'] as const,
  kpis: (query: KpiQuery) => ['analytics', 'kpis', query] as const,
  cohorts: (query: object) => ['analytics', 'cohorts', query] as const,
  rfm: ['analytics', 'rfm'] as const,
  customers: (query: object) => ['analytics', 'customers', query] as const,
  models: ['analytics', 'models'] as const,
  compare: (a: string, b: string) => ['analytics', 'compare', a, b] as const,
  rules: ['analytics', 'rules'] as const,
  customer: (id: string) => ['analytics', 'customer', id] as const,
};

export function useAnalyticsSettings() {
  return useQuery({ queryKey: analyticsKeys.settings, queryFn: ({ signal }) => api.get<AnalyticsSettings>(`${BASE}/settings`, undefined, signal) });
}

export function useUpdateAnalyticsSettings() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (patch: SettingsPatch) => api.patch<AnalyticsSettings>(`${BASE}/settings`, patch),
    onSuccess: (settings) => {
      queryClient.setQueryData(analyticsKeys.settings, settings);
      // Figures that depend on the settings (focus progress, calendar) are fetched again.
      void queryClient.invalidateQueries({ queryKey: analyticsKeys.all, predicate: (q) => q.queryKey[1] !== 'settings' });
    },
  });
}

const busy = (status: AnalyticsStatus | undefined) => status?.state === 'queued' || status?.state === 'running';

/**
 * The computation's state. Polled while a recompute is queued or running. With `watch` (one
 * caller per page: the status bar), a new `asOf` makes every analytics figure fetched again.
 */
export function useAnalyticsStatus({ watch = false }: { watch?: boolean } = {}) {
  const queryClient = useQueryClient();
  const query = useQuery({
    queryKey: analyticsKeys.status,
    queryFn: ({ signal }) => api.get<AnalyticsStatus>(`${BASE}/status`, undefined, signal),
    refetchInterval: (q) => (busy(q.state.data) ? 1500 : false),
    staleTime: 0,
  });
  const seenAsOf = useRef<string | null | undefined>(undefined);
  const asOf = query.data?.asOf;
  useEffect(() => {
    if (asOf === undefined || !watch) return;
    if (seenAsOf.current !== undefined && seenAsOf.current !== asOf) {
      void queryClient.invalidateQueries({ queryKey: analyticsKeys.all, predicate: (q) => q.queryKey[1] !== 'status' && q.queryKey[1] !== 'settings' });
    }
    seenAsOf.current = asOf;
  }, [asOf, queryClient, watch]);
  return query;
}

export function useRefreshAnalytics() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => api.post<AnalyticsStatus>(`${BASE}/refresh`),
    onSuccess: (status) => queryClient.setQueryData(analyticsKeys.status, status),
  });
}

export function useKpis(query: KpiQuery) {
  return useQuery({
    queryKey: analyticsKeys.kpis(query),
    queryFn: ({ signal }) => api.get<KpiReport>(`${BASE}/kpis`, { ...query }, signal),
    placeholderData: keepPreviousData,
  });
}

export function useCohorts(query: { grain: CohortGrain; calendar?: Calendar; cohorts: number }) {
  return useQuery({
    queryKey: analyticsKeys.cohorts(query),
    queryFn: ({ signal }) => api.get<CohortReport>(`${BASE}/cohorts`, { ...query }, signal),
    placeholderData: keepPreviousData,
  });
}

export function useRfm() {
  return useQuery({ queryKey: analyticsKeys.rfm, queryFn: ({ signal }) => api.get<RfmReport>(`${BASE}/rfm`, undefined, signal) });
}

export interface ScoredFilters {
  segment?: RfmSegment;
  risk?: RiskBand;
  sort: ScoredSort;
}

export function useScoredCustomers(filters: ScoredFilters, options: { enabled?: boolean; limit?: number } = {}) {
  const limit = options.limit ?? 50;
  return useInfiniteQuery({
    queryKey: analyticsKeys.customers({ ...filters, limit }),
    queryFn: ({ pageParam, signal }) =>
      api.get<Page<ScoredCustomer>>(`${BASE}/customers`, { ...filters, limit, cursor: pageParam }, signal),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    placeholderData: keepPreviousData,
    enabled: options.enabled ?? true,
  });
}

export function useModels() {
  return useQuery({ queryKey: analyticsKeys.models, queryFn: ({ signal }) => api.get<ModelsReport>(`${BASE}/models`, undefined, signal) });
}

export function useCompare(groupA: string, groupB: string) {
  return useQuery({
    queryKey: analyticsKeys.compare(groupA, groupB),
    queryFn: ({ signal }) => api.get<CompareReport>(`${BASE}/compare`, { groupA, groupB }, signal),
    placeholderData: keepPreviousData,
  });
}

export function useRules() {
  return useQuery({
    queryKey: analyticsKeys.rules,
    queryFn: ({ signal }) => api.get<{ data: AssociationRule[] }>(`${BASE}/rules`, { limit: 50 }, signal).then((r) => r.data),
  });
}

export function useCustomerAnalytics(customerId: string, enabled: boolean) {
  return useQuery({
    queryKey: analyticsKeys.customer(customerId),
    queryFn: ({ signal }) => api.get<CustomerAnalytics>(`/api/v1/customers/${encodeURIComponent(customerId)}/analytics`, undefined, signal),
    enabled,
  });
}
