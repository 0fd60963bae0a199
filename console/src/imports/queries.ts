import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../api/client';
import type { Page } from '../api/types';
import { type ImportJob, type ImportKind, type ImportOptions, type ImportPreview, isRunning, type Mapping } from './types';

export const importKeys = {
  all: ['imports'] as const,
  list: ['imports', 'list'] as const,
  detail: (id: string) => ['imports', 'detail', id] as const,
};

/** What the preview reads of a large file: enough for the header and 20 rows. */
const PREVIEW_BYTES = 256 * 1024;

export function usePreview() {
  return useMutation({
    mutationFn: ({ file, kind }: { file: File; kind: ImportKind }) => {
      const partial = file.size > PREVIEW_BYTES;
      return api.upload<ImportPreview>('/api/v1/imports/preview', partial ? file.slice(0, PREVIEW_BYTES) : file, { kind, partial: String(partial) });
    },
  });
}

export function useStartImport() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: { file: File; kind: ImportKind; mapping: Mapping; options: ImportOptions; dryRun: boolean }) =>
      api.upload<ImportJob>('/api/v1/imports', input.file, {
        kind: input.kind,
        fileName: input.file.name,
        mapping: JSON.stringify(input.mapping),
        dateFormat: input.options.dateFormat,
        currency: input.options.currency || undefined,
        dryRun: String(input.dryRun),
      }),
    onSuccess: (job) => {
      queryClient.setQueryData(importKeys.detail(job.id), job);
      void queryClient.invalidateQueries({ queryKey: importKeys.list });
    },
  });
}

/** One import, polled every second while it runs. */
export function useImport(id: string | null) {
  const queryClient = useQueryClient();
  return useQuery({
    queryKey: importKeys.detail(id ?? ''),
    enabled: Boolean(id),
    queryFn: async ({ signal }) => {
      const job = await api.get<ImportJob>(`/api/v1/imports/${encodeURIComponent(id ?? '')}`, undefined, signal);
      if (!isRunning(job)) {
        void queryClient.invalidateQueries({ queryKey: importKeys.list });
        if (!job.dryRun) void queryClient.invalidateQueries({ queryKey: ['customers'] });
      }
      return job;
    },
    refetchInterval: (query) => (query.state.data && isRunning(query.state.data) ? 1000 : false),
  });
}

export function useRecentImports() {
  return useQuery({
    queryKey: importKeys.list,
    queryFn: ({ signal }) => api.get<Page<ImportJob>>('/api/v1/imports', { limit: 10 }, signal),
  });
}
