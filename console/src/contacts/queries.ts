import { keepPreviousData, useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../api/client';
import type { Page } from '../api/types';
import type { ContactAlert, ContactAlertInput, ContactChannel, Coverage, CustomerContacts, NotContactedCustomer } from './types';

export interface NotContactedFilters {
  days: number;
  channel: ContactChannel | null;
  segmentId: string | null;
}

export const contactKeys = {
  notContacted: (f: NotContactedFilters) => ['contacts', 'not-contacted', f] as const,
  coverage: (segmentId: string | null) => ['contacts', 'coverage', segmentId] as const,
  alert: ['contacts', 'alert'] as const,
  customer: (id: string) => ['contacts', 'customer', id] as const,
};

export function useNotContacted(f: NotContactedFilters) {
  return useInfiniteQuery({
    queryKey: contactKeys.notContacted(f),
    queryFn: ({ pageParam, signal }) =>
      api.get<Page<NotContactedCustomer>>('/api/v1/contacts/not-contacted', { days: f.days, channel: f.channel ?? undefined, segmentId: f.segmentId ?? undefined, limit: 50, cursor: pageParam }, signal),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    placeholderData: keepPreviousData,
  });
}

export function useCoverage(segmentId: string | null) {
  return useQuery({
    queryKey: contactKeys.coverage(segmentId),
    queryFn: ({ signal }) => api.get<Coverage>('/api/v1/contacts/coverage', { segmentId: segmentId ?? undefined }, signal),
    placeholderData: keepPreviousData,
  });
}

export function useContactAlert() {
  return useQuery({ queryKey: contactKeys.alert, queryFn: ({ signal }) => api.get<{ alert: ContactAlert | null }>('/api/v1/contacts/alert', undefined, signal) });
}

export function useSaveContactAlert() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: ContactAlertInput) => api.put<ContactAlert>('/api/v1/contacts/alert', input),
    onSuccess: (alert) => queryClient.setQueryData(contactKeys.alert, { alert }),
  });
}

export function useRunContactAlert() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => api.post<{ tasksCreated: number }>('/api/v1/contacts/alert/run'),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: contactKeys.alert }),
  });
}

export function useCustomerContacts(customerId: string) {
  return useQuery({
    queryKey: contactKeys.customer(customerId),
    queryFn: ({ signal }) => api.get<CustomerContacts>(`/api/v1/customers/${encodeURIComponent(customerId)}/contacts`, undefined, signal),
  });
}
