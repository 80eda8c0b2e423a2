// Data hooks over the API client: cached per path and request, refreshed after any change.
import { useMutation, useQuery, useQueryClient, type UseQueryOptions } from '@tanstack/react-query';
import type { ArgsOf, OperationOf } from '../../../openapi/client';
import type { Answer, GetPath } from './api';
import { useSession } from './session';

/**
 * A GET of an operation of the API by its path template, with its path parameters and query
 * (`useApi('/v1/identities/{id}', { path: { id } })`); its data is typed by the response schema.
 * `opts.enabled: false` waits (a page that does not know its parameters yet).
 */
export function useApi<P extends GetPath>(
  path: P,
  ...[request, opts = {}]: [...ArgsOf<OperationOf<P, 'get'>>, opts?: Partial<UseQueryOptions<Answer<P>>>]
) {
  const { api } = useSession();
  return useQuery<Answer<P>>({
    queryKey: [path, request ?? {}],
    queryFn: () => api.get(path, ...([request] as ArgsOf<OperationOf<P, 'get'>>)),
    ...opts,
  });
}

/** A write; on success every cached read is refetched, so each page shows the new state. */
export function useAction<I, O = unknown>(run: (input: I) => Promise<O>) {
  const qc = useQueryClient();
  return useMutation<O, Error, I>({ mutationFn: run, onSuccess: () => void qc.invalidateQueries() });
}
