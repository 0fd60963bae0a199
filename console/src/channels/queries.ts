import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../api/client';
import type { Permission, Session } from '../api/types';
import type { Channel, Provider, SendOutcome } from './types';

/** channels:manage is newer than the console's Permission list; the server sends and enforces it. */
export function canManageChannels(session: Session): boolean {
  return session.permissions.includes('channels:manage' as Permission);
}

export const channelKeys = { all: ['channels'] as const, providers: ['channels', 'providers'] as const };

export function useChannels() {
  return useQuery({
    queryKey: channelKeys.all,
    queryFn: async ({ signal }) => (await api.get<{ data: Channel[] }>('/api/v1/channels', undefined, signal)).data,
  });
}

export function useProviders() {
  return useQuery({
    queryKey: channelKeys.providers,
    queryFn: async ({ signal }) => (await api.get<{ data: Provider[] }>('/api/v1/channels/providers', undefined, signal)).data,
    staleTime: Number.POSITIVE_INFINITY,
  });
}

function useChannelMutation<I, O>(call: (input: I) => Promise<O>) {
  const queryClient = useQueryClient();
  return useMutation({ mutationFn: call, onSuccess: () => queryClient.invalidateQueries({ queryKey: channelKeys.all }) });
}

export const useCreateChannel = () =>
  useChannelMutation((input: { provider: string; name: string; settings: Record<string, unknown> }) => api.post<Channel>('/api/v1/channels', input));

export const useUpdateChannel = () =>
  useChannelMutation(({ id, ...patch }: { id: string; name?: string; settings?: Record<string, unknown>; enabled?: boolean; isDefault?: boolean }) =>
    api.patch<Channel>(`/api/v1/channels/${encodeURIComponent(id)}`, patch),
  );

export const useDeleteChannel = () => useChannelMutation((id: string) => api.delete<unknown>(`/api/v1/channels/${encodeURIComponent(id)}`));

export const useVerifyChannel = () => useChannelMutation((id: string) => api.post<Channel>(`/api/v1/channels/${encodeURIComponent(id)}/verify`));

export const useTestSend = () =>
  useChannelMutation(({ id, ...body }: { id: string; address: string; subject?: string; text?: string }) =>
    api.post<{ outcome: SendOutcome }>(`/api/v1/channels/${encodeURIComponent(id)}/test`, body),
  );

export function useVapidKeys() {
  return useMutation({ mutationFn: () => api.post<{ publicKey: string; privateKey: string }>('/api/v1/channels/webpush/vapid-keys') });
}
