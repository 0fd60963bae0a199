import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../api/client';
import type { Customer, CustomerInput, Page, TimelineEntry } from '../api/types';
import { customerKeys } from '../customers/queries';

const base = (id: string) => `/api/v1/customers/${encodeURIComponent(id)}`;

export function useCustomer(id: string) {
  return useQuery({
    queryKey: customerKeys.detail(id),
    queryFn: ({ signal }) => api.get<Customer>(base(id), undefined, signal),
  });
}

/** After any change, the profile, the lists and the timeline all refresh. */
function useCustomerMutation<TInput>(id: string, mutationFn: (input: TInput) => Promise<Customer>) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn,
    onSuccess: (customer) => {
      queryClient.setQueryData(customerKeys.detail(id), customer);
      void queryClient.invalidateQueries({ queryKey: customerKeys.all });
    },
  });
}

export function useUpdateCustomer(id: string) {
  return useCustomerMutation(id, (input: CustomerInput) => api.patch<Customer>(base(id), input));
}

export function useSetConsent(id: string) {
  return useCustomerMutation(id, (input: { channel: string; status: 'granted' | 'revoked' }) =>
    api.put<Customer>(`${base(id)}/consents/${encodeURIComponent(input.channel)}`, { status: input.status }),
  );
}

export function useEraseCustomer(id: string) {
  return useCustomerMutation(id, () => api.delete<Customer>(base(id)));
}

export function useMergeCustomer(id: string) {
  return useCustomerMutation(id, (secondaryId: string) =>
    api.post<Customer>('/api/v1/customers/merge', { primaryId: id, secondaryId }),
  );
}

export function useTimeline(id: string) {
  return useInfiniteQuery({
    queryKey: customerKeys.timeline(id),
    queryFn: ({ pageParam, signal }) =>
      api.get<Page<TimelineEntry>>(`${base(id)}/timeline`, { cursor: pageParam, limit: 30 }, signal),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
}

export function useAddNote(id: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: string) => api.post<unknown>(`${base(id)}/notes`, { body }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: customerKeys.timeline(id) }),
  });
}

/** GDPR-style export, saved as a .json file by the browser. */
export async function downloadExport(id: string): Promise<void> {
  const data = await api.get<unknown>(`${base(id)}/export`);
  const blob = new Blob([JSON.stringify(data, null, 2)], { type: 'application/json' });
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = `customer-${id}.json`;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
