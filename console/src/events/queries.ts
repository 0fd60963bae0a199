import { keepPreviousData, useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { api } from '../api/client';
import type { Customer, EventSchema, EventType, Page, TrackedEvent } from '../api/types';

export interface EventFilters {
  name?: string;
  customerId?: string;
  type?: EventType;
}

export const REFRESH_SECONDS = 3;
const PAGE_SIZE = 50;

export const eventKeys = {
  all: ['events'] as const,
  list: (filters: EventFilters) => ['events', 'list', filters] as const,
  schemas: ['events', 'schemas'] as const,
};

/** Newest first; while not paused the loaded pages are fetched again every few seconds. */
export function useEvents(filters: EventFilters, paused: boolean) {
  return useInfiniteQuery({
    queryKey: eventKeys.list(filters),
    queryFn: ({ pageParam, signal }) =>
      api.get<Page<TrackedEvent>>('/api/v1/events', { ...filters, cursor: pageParam, limit: PAGE_SIZE }, signal),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    refetchInterval: paused ? false : REFRESH_SECONDS * 1000,
    staleTime: 0,
    placeholderData: keepPreviousData,
  });
}

export function useEventSchemas() {
  return useQuery({
    queryKey: eventKeys.schemas,
    queryFn: ({ signal }) => api.get<{ data: EventSchema[] }>('/api/v1/event-schemas', undefined, signal).then((r) => r.data),
    staleTime: 0,
  });
}

/** Customers (visitors included) whose name, email or phone matches, for the customer filter. */
export function useCustomerSearch(q: string) {
  return useQuery<Customer[]>({
    queryKey: ['customers', 'event-filter', q],
    queryFn: ({ signal }) => api.get<Page<Customer>>('/api/v1/customers', { q, visitors: 'include', limit: 10 }, signal).then((r) => r.data),
    enabled: q.trim().length > 0,
    placeholderData: keepPreviousData,
  });
}
