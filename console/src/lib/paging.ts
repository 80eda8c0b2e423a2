// Keyset paging in the browser: the cursors of the pages before this one, so Previous works. The
// stack belongs to one list (its filters, sort and order): when the key changes the stack is empty
// in the same render, so a cursor from another list is never sent.
import { useState } from 'react';

export function useCursorStack(key: string) {
  const [state, setState] = useState<{ key: string; cursors: string[] }>({ key, cursors: [] });
  const cursors = state.key === key ? state.cursors : [];
  return {
    cursor: cursors[cursors.length - 1],
    page: cursors.length + 1,
    hasPrevious: cursors.length > 0,
    next: (cursor: string) => setState({ key, cursors: [...cursors, cursor] }),
    previous: () => setState({ key, cursors: cursors.slice(0, -1) }),
  };
}
