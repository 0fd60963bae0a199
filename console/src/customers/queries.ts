import { useInfiniteQuery, useMutation, useQueryClient } from '@tanstack/react-query';
import type { TFunction } from 'i18next';
import { api } from '../api/client';
import type { Customer, CustomerInput, Page } from '../api/types';

export interface CustomerFilters {
  q?: string;
  tag?: string;
  city?: string;
  consent?: string;
}

/** Every customer query starts with 'customers', so one invalidation refreshes them all. */
export const customerKeys = {
  all: ['customers'] as const,
  list: (filters: CustomerFilters) => ['customers', 'list', filters] as const,
  detail: (id: string) => ['customers', 'detail', id] as const,
  timeline: (id: string) => ['customers', 'timeline', id] as const,
};

export const PAGE_SIZE = 50;

export function useCustomerList(filters: CustomerFilters, options: { enabled?: boolean; limit?: number } = {}) {
  return useInfiniteQuery({
    queryKey: customerKeys.list(filters),
    queryFn: ({ pageParam, signal }) =>
      api.get<Page<Customer>>(
        '/api/v1/customers',
        { ...filters, cursor: pageParam, limit: options.limit ?? PAGE_SIZE },
        signal,
      ),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    enabled: options.enabled ?? true,
  });
}

export function useCreateCustomer() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: CustomerInput) => api.post<Customer>('/api/v1/customers', input),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: customerKeys.all }),
  });
}

/** The name a person reads: displayName, else first + last, else a contact, else "Unnamed". */
export function customerName(customer: Customer, t: TFunction): string {
  const full = [customer.firstName, customer.lastName].filter(Boolean).join(' ');
  return customer.displayName || full || customer.emails[0] || customer.phones[0] || t('customers.unnamed');
}
