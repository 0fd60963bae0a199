import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../../api/client';
import type { AttributeDefinition, AttributeType, Page } from '../../api/types';

export const attributeKeys = { all: ['attribute-definitions'] as const };

export function useAttributeDefinitions() {
  return useQuery({
    queryKey: attributeKeys.all,
    queryFn: async ({ signal }) => (await api.get<Page<AttributeDefinition>>('/api/v1/attribute-definitions', undefined, signal)).data,
    staleTime: 60_000,
  });
}

export function useDefineAttribute() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: { key: string; label: string; type: AttributeType; options?: string[] }) =>
      api.post<AttributeDefinition>('/api/v1/attribute-definitions', input),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: attributeKeys.all }),
  });
}

export function useDeleteAttribute() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (key: string) => api.delete<void>(`/api/v1/attribute-definitions/${encodeURIComponent(key)}`),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: attributeKeys.all }),
  });
}
