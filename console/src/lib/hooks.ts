// Data hooks over the API client: cached per path and query, refreshed after any change.
import { useMutation, useQuery, useQueryClient, type UseQueryOptions } from '@tanstack/react-query';
import type { Query } from './api';
import { useSession } from './session';

export function useApi<T>(path: string | null, query?: Query, opts: Partial<UseQueryOptions<T>> = {}) {
  const { api } = useSession();
  return useQuery<T>({
    queryKey: [path, query ?? {}],
    queryFn: () => api.get<T>(path!, query),
    enabled: path !== null,
    ...opts,
  });
}

/** A write; on success every cached read is refetched, so each page shows the new state. */
export function useAction<I, O = unknown>(run: (input: I) => Promise<O>) {
  const qc = useQueryClient();
  return useMutation<O, Error, I>({ mutationFn: run, onSuccess: () => void qc.invalidateQueries() });
}
