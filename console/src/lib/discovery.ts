// Discovered accounts, drift first: the API pages one state at a time in key order, so a page of
// the console's list walks the states in the order people should look at them (drift, unmanaged,
// missing, matched) and carries on into the next state when one runs out. The console's cursor
// names the state and the API's cursor within it.
import { useQuery } from '@tanstack/react-query';
import { useSession } from './session';
import { ACCOUNT_STATES, type AccountState, type DiscoveredAccount } from './types';

interface At {
  state: number;
  cursor: string | undefined;
}

const encode = (at: At): string => `${at.state}:${at.cursor ?? ''}`;
function decode(cursor: string | undefined): At {
  if (!cursor) return { state: 0, cursor: undefined };
  const colon = cursor.indexOf(':');
  return { state: Number(cursor.slice(0, colon)), cursor: cursor.slice(colon + 1) || undefined };
}

export interface AccountsPage {
  items: DiscoveredAccount[];
  next_cursor: string | null;
}

/** One page of accounts of `source` (all sources when absent), of one state or of all of them drift first. */
export function useAccountsPage(filter: { source?: string; state?: AccountState }, cursor: string | undefined, limit: number) {
  const { api } = useSession();
  const states = filter.state ? [filter.state] : ACCOUNT_STATES;
  return useQuery<AccountsPage>({
    queryKey: ['/v1/discovery/accounts', 'drift-first', filter, cursor, limit],
    placeholderData: (prev) => prev,
    queryFn: async () => {
      const items: DiscoveredAccount[] = [];
      const at = decode(cursor);
      while (at.state < states.length && items.length < limit) {
        const page = await api.get('/v1/discovery/accounts', {
          query: { source: filter.source, state: states[at.state], limit: limit - items.length, cursor: at.cursor },
        });
        items.push(...page.items);
        if (page.next_cursor) {
          at.cursor = page.next_cursor;
        } else {
          at.state += 1;
          at.cursor = undefined;
        }
      }
      return { items, next_cursor: at.state < states.length ? encode(at) : null };
    },
  });
}
