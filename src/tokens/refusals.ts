// Refused token requests as evidence, without letting anonymous callers write the ledger at will.
// A caller that has not proved who it is cannot name the subject of an event, nor put text of its
// choosing into the ledger one event per request. Its refusals are counted per network source and
// window, and one `token.refused` event per source and window records the count, the stable error
// codes and a few sample reasons (control characters stripped). A caller that did prove itself and
// was still refused (its identity suspended, sealed, in another environment) gets its own event,
// on its own identity.
import type { NewEvent } from '../ledger/log.js';
import type { GroupCommitter } from '../ledger/group.js';

/** Text from outside, safe to store and show: no control characters (ANSI escapes included), bounded. */
export function cleanText(text: string, max = 200): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: stripping control characters (ANSI escapes included) is the point
  return text.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g, ' ').slice(0, max);
}

interface Window {
  source: string;
  started: number;
  count: number;
  codes: Record<string, number>;
  grantTypes: Record<string, number>;
  samples: string[];
  timer: NodeJS.Timeout;
}

const MAX_SOURCES = 10_000;
const SAMPLES = 5;

export function refusalAggregator(opts: {
  evidence: Pick<GroupCommitter, 'submit'>;
  clock: () => Date;
  windowMs?: number;
  onError?: (err: unknown) => void;
}) {
  const windowMs = opts.windowMs ?? 60_000;
  const open = new Map<string, Window>();
  const pending = new Set<Promise<unknown>>();

  function eventOf(w: Window): NewEvent {
    return {
      actor: 'anonymous',
      action: 'token.refused',
      subject: { type: 'network_source', id: w.source },
      after: {
        count: w.count,
        window_start: new Date(w.started).toISOString(),
        window_s: windowMs / 1000,
        codes: w.codes,
        grant_types: w.grantTypes,
        samples: w.samples,
      },
      reason: `${w.count} unauthenticated token request${w.count === 1 ? '' : 's'} refused from ${w.source}`,
    };
  }

  function flushOne(key: string): Promise<void> {
    const w = open.get(key);
    if (!w) return Promise.resolve();
    open.delete(key);
    clearTimeout(w.timer);
    const p = opts.evidence.submit({ events: [eventOf(w)] }).then(
      () => undefined,
      (err) => opts.onError?.(err),
    );
    pending.add(p);
    void p.finally(() => pending.delete(p));
    return p;
  }

  return {
    /** Counts one refusal of an unauthenticated caller. */
    note(source: string | undefined, grantType: string | undefined, code: string, reason: string): void {
      // A flood of distinct sources must not grow memory without bound: the rest share one window.
      const src = cleanText(source || 'unknown', 100);
      const key = open.has(src) || open.size < MAX_SOURCES ? src : 'other';
      let w = open.get(key);
      if (!w) {
        w = {
          source: key,
          started: opts.clock().getTime(),
          count: 0,
          codes: {},
          grantTypes: {},
          samples: [],
          timer: setTimeout(() => void flushOne(key), windowMs),
        };
        w.timer.unref();
        open.set(key, w);
      }
      w.count++;
      w.codes[code] = (w.codes[code] ?? 0) + 1;
      const g = cleanText(grantType ?? 'none', 100);
      if (Object.keys(w.grantTypes).length < 10 || g in w.grantTypes) w.grantTypes[g] = (w.grantTypes[g] ?? 0) + 1;
      const sample = cleanText(reason);
      if (w.samples.length < SAMPLES && !w.samples.includes(sample)) w.samples.push(sample);
    },
    /** Records every open window now (at shutdown, and in tests). */
    async flush(): Promise<void> {
      await Promise.all([...open.keys()].map(flushOne));
      await Promise.all([...pending]);
    },
  };
}
export type RefusalAggregator = ReturnType<typeof refusalAggregator>;
