import { useInfiniteQuery, useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '../api/client';
import type { Page, Task, TaskStatus } from '../api/types';
import { customerKeys } from '../customers/queries';

export interface TaskFilters {
  customerId?: string;
  assigneeId?: string;
  status?: TaskStatus;
}

export const taskKeys = {
  all: ['tasks'] as const,
  list: (filters: TaskFilters) => ['tasks', 'list', filters] as const,
};

export function useTasks(filters: TaskFilters) {
  return useInfiniteQuery({
    queryKey: taskKeys.list(filters),
    queryFn: ({ pageParam, signal }) =>
      api.get<Page<Task>>('/api/v1/tasks', { ...filters, cursor: pageParam, limit: 50 }, signal),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
}

export interface NewTask {
  title: string;
  customerId?: string;
  description?: string;
  assigneeId?: string;
  dueAt?: string;
}

/** Tasks show on the customer's timeline too, so both refresh. */
function useRefreshTasks() {
  const queryClient = useQueryClient();
  return (task: Task) => {
    void queryClient.invalidateQueries({ queryKey: taskKeys.all });
    if (task.customerId) void queryClient.invalidateQueries({ queryKey: customerKeys.timeline(task.customerId) });
  };
}

export function useCreateTask() {
  const refresh = useRefreshTasks();
  return useMutation({
    mutationFn: (input: NewTask) => api.post<Task>('/api/v1/tasks', input),
    onSuccess: refresh,
  });
}

export function useUpdateTask() {
  const refresh = useRefreshTasks();
  return useMutation({
    mutationFn: ({ id, ...patch }: { id: string; status?: TaskStatus; title?: string; assigneeId?: string | null }) =>
      api.patch<Task>(`/api/v1/tasks/${encodeURIComponent(id)}`, patch),
    onSuccess: refresh,
  });
}
