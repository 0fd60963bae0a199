import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../api/client';
import type { Customer, Page, Permission, Session } from '../api/types';
import type { Preview, Template, TemplateInput, TemplateSummary, Voice } from './types';

/** messaging:manage is newer than the console's Permission list; the server sends and enforces it. */
export const canManageMessaging = (session: Session) => session.permissions.includes('messaging:manage' as Permission);

export const templateKeys = { all: ['templates'] as const, one: (id: string) => ['templates', id] as const, voice: ['messaging', 'voice'] as const };

export function useTemplates() {
  return useQuery({
    queryKey: templateKeys.all,
    queryFn: async ({ signal }) => (await api.get<Page<TemplateSummary>>('/api/v1/templates', { limit: 200 }, signal)).data,
  });
}

export function useTemplate(id: string | undefined) {
  return useQuery({
    queryKey: templateKeys.one(id ?? 'new'),
    queryFn: ({ signal }) => api.get<Template>(`/api/v1/templates/${encodeURIComponent(id ?? '')}`, undefined, signal),
    enabled: id !== undefined,
  });
}

export function useSaveTemplate() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ id, version, input }: { id?: string | undefined; version?: number | undefined; input: TemplateInput }) =>
      id ? api.put<Template>(`/api/v1/templates/${encodeURIComponent(id)}`, { ...input, version }) : api.post<Template>('/api/v1/templates', input),
    onSuccess: (saved) => {
      queryClient.setQueryData(templateKeys.one(saved.id), saved);
      return queryClient.invalidateQueries({ queryKey: templateKeys.all, exact: true });
    },
  });
}

export function useDeleteTemplate() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => api.delete<unknown>(`/api/v1/templates/${encodeURIComponent(id)}`),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: templateKeys.all, exact: true }),
  });
}

/** Renders the unsaved draft for a real customer (the server checks Liquid and MJML as on save). */
export function usePreview() {
  return useMutation({
    mutationFn: (body: { template: TemplateInput; customerId: string; channel: string; language?: string }) => api.post<Preview>('/api/v1/templates/preview', body),
  });
}

export function useCustomerSearch(q: string) {
  return useQuery<Customer[]>({
    queryKey: ['customers', 'template-preview', q],
    queryFn: ({ signal }) => api.get<Page<Customer>>('/api/v1/customers', { q: q || undefined, limit: 10 }, signal).then((r) => r.data),
    placeholderData: keepPreviousData,
  });
}

export function useVoice() {
  return useQuery({ queryKey: templateKeys.voice, queryFn: ({ signal }) => api.get<Voice>('/api/v1/messaging/voice', undefined, signal) });
}

export function useSaveVoice() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: Pick<Voice, 'tone' | 'greetings' | 'signatures'>) => api.put<Voice>('/api/v1/messaging/voice', input),
    onSuccess: (voice) => queryClient.setQueryData(templateKeys.voice, voice),
  });
}
