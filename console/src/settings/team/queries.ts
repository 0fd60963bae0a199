import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../../api/client';
import type { Member, Page, Role } from '../../api/types';

export const memberKeys = { all: ['members'] as const };

/** Members come as a list page (`{ data }`); tolerate a bare array too. */
export function useMembers() {
  return useQuery({
    queryKey: memberKeys.all,
    queryFn: async ({ signal }) => {
      const answer = await api.get<Page<Member> | Member[]>('/api/v1/members', undefined, signal);
      return Array.isArray(answer) ? answer : answer.data;
    },
    staleTime: 60_000,
  });
}

export function memberLabel(member: Member): string {
  return member.name ? `${member.name} <${member.email}>` : member.email;
}

function useMemberMutation<T>(mutationFn: (input: T) => Promise<unknown>) {
  const queryClient = useQueryClient();
  return useMutation({ mutationFn, onSuccess: () => queryClient.invalidateQueries({ queryKey: memberKeys.all }) });
}

export function useAddMember() {
  return useMemberMutation((input: { email: string; name?: string; password: string; role: Role }) =>
    api.post<Member>('/api/v1/members', input),
  );
}

export function useChangeRole() {
  return useMemberMutation(({ userId, role }: { userId: string; role: Role }) =>
    api.patch<Member>(`/api/v1/members/${encodeURIComponent(userId)}`, { role }),
  );
}

export function useRemoveMember() {
  return useMemberMutation((userId: string) => api.delete<unknown>(`/api/v1/members/${encodeURIComponent(userId)}`));
}
