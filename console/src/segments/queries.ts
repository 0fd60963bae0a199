import { keepPreviousData, useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, request } from '../api/client';
import type { Page, Permission, Session } from '../api/types';
import type { AddMembersResult, CsvImportResult, MatchBy, RuleGroup, Segment, SegmentInput, SegmentMember, SegmentPreview } from './types';

const BASE = '/api/v1/segments';
const segmentPath = (id: string) => `${BASE}/${encodeURIComponent(id)}`;

/** segments:manage is newer than the console's Permission list; the server sends and enforces it. */
export function canManageSegments(session: Session): boolean {
  return session.permissions.includes('segments:manage' as Permission);
}

export const segmentKeys = {
  all: ['segments'] as const,
  list: (q: string) => ['segments', 'list', q] as const,
  one: (id: string) => ['segments', 'one', id] as const,
  members: (id: string) => ['segments', 'members', id] as const,
  preview: (rules: string) => ['segments', 'preview', rules] as const,
};

export function useSegments(q: string) {
  return useInfiniteQuery({
    queryKey: segmentKeys.list(q),
    queryFn: ({ pageParam, signal }) => api.get<Page<Segment>>(BASE, { q, limit: 50, cursor: pageParam }, signal),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    placeholderData: keepPreviousData,
  });
}

export function useSegment(id: string | undefined) {
  return useQuery({
    queryKey: segmentKeys.one(id ?? ''),
    queryFn: ({ signal }) => api.get<Segment>(segmentPath(id ?? ''), undefined, signal),
    enabled: Boolean(id),
  });
}

export function useSegmentMembers(id: string) {
  return useInfiniteQuery({
    queryKey: segmentKeys.members(id),
    queryFn: ({ pageParam, signal }) => api.get<Page<SegmentMember>>(`${segmentPath(id)}/members`, { limit: 50, cursor: pageParam }, signal),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
}

/**
 * The live count: `rules` is the serialised tree (already debounced by the caller), so each
 * distinct tree is asked once and the last answer stays on screen while the next one loads.
 */
export function useSegmentPreview(rules: string, enabled: boolean) {
  return useQuery({
    queryKey: segmentKeys.preview(rules),
    // A superseded tree's request is aborted (react-query's signal), so answers never arrive out of order.
    queryFn: ({ signal }) => request<SegmentPreview>('POST', `${BASE}/preview`, { body: { rules: JSON.parse(rules) as RuleGroup }, signal }),
    enabled,
    placeholderData: keepPreviousData,
    staleTime: 10_000,
    retry: false,
  });
}

function useInvalidateSegments() {
  const queryClient = useQueryClient();
  return () => queryClient.invalidateQueries({ queryKey: segmentKeys.all });
}

export function useCreateSegment() {
  const invalidate = useInvalidateSegments();
  return useMutation({
    mutationFn: (input: SegmentInput) => api.post<Segment>(BASE, input),
    onSuccess: () => invalidate(),
  });
}

export function useUpdateSegment(id: string) {
  const invalidate = useInvalidateSegments();
  return useMutation({
    mutationFn: (patch: { name?: string; description?: string | null; rules?: RuleGroup }) => api.patch<Segment>(segmentPath(id), patch),
    onSuccess: () => invalidate(),
  });
}

export function useDeleteSegment() {
  const invalidate = useInvalidateSegments();
  return useMutation({
    mutationFn: (id: string) => api.delete<void>(segmentPath(id)),
    onSuccess: () => invalidate(),
  });
}

/** Every member id of a segment, page by page (for duplicating a manual segment). */
async function allMemberIds(id: string): Promise<string[]> {
  const ids: string[] = [];
  let cursor: string | undefined;
  do {
    const page = await api.get<Page<SegmentMember>>(`${segmentPath(id)}/members`, { limit: 200, cursor });
    ids.push(...page.data.map((m) => m.customerId));
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return ids;
}

const MEMBERS_PER_CALL = 1000;

/**
 * A copy named `name`: a dynamic segment gets the same rules (the server computes its members),
 * a manual one gets the same members, added in batches the API accepts.
 */
export function useDuplicateSegment() {
  const invalidate = useInvalidateSegments();
  return useMutation({
    mutationFn: async ({ source, name }: { source: Segment; name: string }) => {
      const copy = await api.post<Segment>(BASE, {
        name,
        description: source.description,
        kind: source.kind,
        ...(source.kind === 'dynamic' && source.rules ? { rules: source.rules } : {}),
      });
      if (source.kind === 'manual') {
        const ids = await allMemberIds(source.id);
        for (let i = 0; i < ids.length; i += MEMBERS_PER_CALL) {
          await api.post<AddMembersResult>(`${segmentPath(copy.id)}/members`, { customerIds: ids.slice(i, i + MEMBERS_PER_CALL) });
        }
      }
      return copy;
    },
    onSettled: () => invalidate(),
  });
}

export function useAddMembers(id: string) {
  const invalidate = useInvalidateSegments();
  return useMutation({
    mutationFn: (customerIds: string[]) => api.post<AddMembersResult>(`${segmentPath(id)}/members`, { customerIds }),
    onSuccess: () => invalidate(),
  });
}

const PARALLEL_REMOVALS = 4;

/** The API removes one customer per call (DELETE …/members/{customerId}); a few go at once. */
export function useRemoveMembers(id: string) {
  const invalidate = useInvalidateSegments();
  return useMutation({
    mutationFn: async (customerIds: string[]) => {
      let removed = 0;
      for (let i = 0; i < customerIds.length; i += PARALLEL_REMOVALS) {
        const answers = await Promise.all(
          customerIds.slice(i, i + PARALLEL_REMOVALS).map((customerId) => api.delete<{ removed: number }>(`${segmentPath(id)}/members/${encodeURIComponent(customerId)}`)),
        );
        removed += answers.reduce((n, a) => n + a.removed, 0);
      }
      return { removed };
    },
    onSettled: () => invalidate(),
  });
}

export function useImportMembers(id: string) {
  const invalidate = useInvalidateSegments();
  return useMutation({
    mutationFn: ({ file, matchBy, column }: { file: File; matchBy: MatchBy; column?: string }) =>
      api.upload<CsvImportResult>(`${segmentPath(id)}/import`, file, { matchBy, column }),
    onSuccess: () => invalidate(),
  });
}
