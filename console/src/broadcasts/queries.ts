import { keepPreviousData, useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../api/client';
import type { Page } from '../api/types';
import type { Broadcast, BroadcastDetail, BroadcastInput, BroadcastReport, BroadcastStatus, Recipient, RecipientStatus, VariantKey } from './types';

const BASE = '/api/v1/broadcasts';
const path = (id: string, rest = '') => `${BASE}/${encodeURIComponent(id)}${rest}`;

/** Statuses whose numbers still move: the pages poll while a broadcast is in one. */
export const isLive = (status: BroadcastStatus | undefined) => status === 'sending' || status === 'scheduled';

export const broadcastKeys = {
  all: ['broadcasts'] as const,
  list: ['broadcasts', 'list'] as const,
  one: (id: string) => ['broadcasts', 'one', id] as const,
  report: (id: string) => ['broadcasts', 'report', id] as const,
  recipients: (id: string, f: RecipientFilters) => ['broadcasts', 'recipients', id, f] as const,
};

export function useBroadcasts() {
  return useInfiniteQuery({
    queryKey: broadcastKeys.list,
    queryFn: ({ pageParam, signal }) => api.get<Page<Broadcast>>(BASE, { limit: 50, cursor: pageParam }, signal),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    // Keep the status column honest while something is going out.
    refetchInterval: (query) => (query.state.data?.pages.some((p) => p.data.some((b) => isLive(b.status))) ? 3000 : false),
  });
}

export function useBroadcast(id: string) {
  return useQuery({
    queryKey: broadcastKeys.one(id),
    queryFn: ({ signal }) => api.get<BroadcastDetail>(path(id), undefined, signal),
    refetchInterval: (query) => (isLive(query.state.data?.status) ? 1500 : false),
  });
}

export function useBroadcastReport(id: string, live: boolean) {
  return useQuery({
    queryKey: broadcastKeys.report(id),
    queryFn: ({ signal }) => api.get<BroadcastReport>(path(id, '/report'), undefined, signal),
    refetchInterval: live ? 5000 : false,
  });
}

export interface RecipientFilters {
  status?: RecipientStatus | undefined;
  variant?: VariantKey | 'holdout' | undefined;
}

export function useRecipients(id: string, f: RecipientFilters, live: boolean) {
  return useInfiniteQuery({
    queryKey: broadcastKeys.recipients(id, f),
    queryFn: ({ pageParam, signal }) => api.get<Page<Recipient>>(path(id, '/recipients'), { ...f, limit: 50, cursor: pageParam }, signal),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    placeholderData: keepPreviousData,
    refetchInterval: live ? 3000 : false,
  });
}

/** Creates the draft, then sends it (now or at `sendAt`); a retry after a failed send reuses the draft. */
export function useCreateAndSend() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async ({ draftId, input, sendAt }: { draftId: string | null; input: BroadcastInput; sendAt: string | null }) => {
      const id = draftId ?? (await api.post<Broadcast>(BASE, input)).id;
      try {
        return await api.post<Broadcast>(path(id, '/send'), sendAt ? { sendAt } : {});
      } catch (error) {
        throw Object.assign(error as Error, { draftId: id });
      }
    },
    onSettled: () => void queryClient.invalidateQueries({ queryKey: broadcastKeys.all }),
  });
}

export function useBroadcastAction(id: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (action: 'pause' | 'resume' | 'cancel') => api.post<Broadcast>(path(id, `/${action}`)),
    onSettled: () => void queryClient.invalidateQueries({ queryKey: broadcastKeys.all }),
  });
}
