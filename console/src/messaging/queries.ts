import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../api/client';
import type { Permission, Session } from '../api/types';
import type { Message, MessageDetail, MessageStatus, MessagingSettings } from './types';

/** messaging:manage is newer than the console's Permission list; the server sends and enforces it. */
export function canManageMessaging(session: Session): boolean {
  return session.permissions.includes('messaging:manage' as Permission);
}

export const messagingKeys = {
  settings: ['messaging', 'settings'] as const,
  messages: (filters: MessageFilters) => ['messaging', 'messages', filters] as const,
  message: (id: string) => ['messaging', 'message', id] as const,
};

export function useMessagingSettings() {
  return useQuery({
    queryKey: messagingKeys.settings,
    queryFn: ({ signal }) => api.get<MessagingSettings>('/api/v1/messaging/settings', undefined, signal),
  });
}

export function useSaveMessagingSettings() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (settings: MessagingSettings) => api.put<MessagingSettings>('/api/v1/messaging/settings', settings),
    onSuccess: (saved) => queryClient.setQueryData(messagingKeys.settings, saved),
  });
}

export interface MessageFilters {
  status?: MessageStatus | undefined;
  channel?: string | undefined;
  customerId?: string | undefined;
  cursor?: string | undefined;
}

export function useMessages(filters: MessageFilters) {
  return useQuery({
    queryKey: messagingKeys.messages(filters),
    queryFn: ({ signal }) => api.get<{ data: Message[]; nextCursor: string | null }>('/api/v1/messages', { limit: 50, ...filters }, signal),
    placeholderData: keepPreviousData,
    // Statuses move on their own (worker, receipts): keep the log fresh while it is open.
    refetchInterval: 5000,
  });
}

export function useMessage(id: string | null) {
  return useQuery({
    queryKey: messagingKeys.message(id ?? ''),
    queryFn: ({ signal }) => api.get<MessageDetail>(`/api/v1/messages/${encodeURIComponent(id ?? '')}`, undefined, signal),
    enabled: id !== null,
    refetchInterval: 5000,
  });
}
