// Filters live in the address bar, so a filtered view can be bookmarked, shared and linked to.
import { useCallback } from 'react';
import { useLocation, useSearch } from 'wouter';

export function useSearchParams(): [URLSearchParams, (changes: Record<string, string | undefined>) => void] {
  const search = useSearch();
  const [location, navigate] = useLocation();
  const params = new URLSearchParams(search);
  const update = useCallback(
    (changes: Record<string, string | undefined>) => {
      const next = new URLSearchParams(search);
      for (const [k, v] of Object.entries(changes)) {
        if (v === undefined || v === '') next.delete(k);
        else next.set(k, v);
      }
      const s = next.toString();
      navigate(s ? `${location}?${s}` : location, { replace: true });
    },
    [search, location, navigate],
  );
  return [params, update];
}
