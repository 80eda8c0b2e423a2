// What bench:console looks for in the page, and how it times it. The conditions are installed by
// an init script (plain JavaScript text: the console's CSP forbids eval, which Playwright's
// string predicates need, and tsx's transform may wrap functions in helpers the page lacks).
//
// A condition is checked in requestAnimationFrame (Playwright's `polling: 'raf'`), so the time it
// answers, performance.now() in the page, is that of the frame that shows it; performance.now()
// counts from the navigation's start. For interactions the init script notes the time of the
// first click, change or submit event after the bench clears it, so the in-page figure runs from
// the user's input to the frame that shows the answer.
import type { BrowserContext, Page } from 'playwright-core';

const PROBES = `
window.__bench = {
  input: null,
  noLoading() { return ![...document.querySelectorAll('[role=status]')].some((e) => /Loading/.test(e.textContent)); },
  // The sign-in form: the "API token" field, laid out.
  signIn() {
    const i = document.querySelector('input[name=token]');
    const l = i && i.closest('label');
    return !!(l && l.textContent.includes('API token') && i.getClientRects().length);
  },
  // The overview fully rendered: its readiness table and findings counts are there and no section
  // says "Loading…" (deadlines, identity mix and recent changes have answered too).
  overview() {
    return !!(document.querySelector('h1')?.textContent === 'Overview'
      && document.querySelector('table[aria-label^="Readiness by entity"]')
      && document.querySelector('[aria-label="Open findings by severity"]')
      && this.noLoading());
  },
  // The inventory's first page: rows in the table, the count shown, nothing being fetched.
  inventory() {
    const t = document.querySelector('table[aria-label=Identities]');
    return !!(t && t.getAttribute('aria-busy') !== 'true' && t.querySelector('tbody tr')
      && document.querySelector('[data-testid=inventory-count]'));
  },
  // What the inventory shows now: the count and the first row's identity.
  state() {
    const t = document.querySelector('table[aria-label=Identities]');
    return JSON.stringify([
      document.querySelector('[data-testid=inventory-count]')?.textContent ?? null,
      t?.querySelector('tbody tr td')?.textContent ?? null,
    ]);
  },
  // The inventory shows something else than before, fetched and laid out.
  changed(before) {
    const t = document.querySelector('table[aria-label=Identities]');
    return !!(t && t.getAttribute('aria-busy') !== 'true' && this.state() !== before);
  },
};
for (const t of ['click', 'change', 'submit'])
  addEventListener(t, () => { if (window.__bench.input === null) window.__bench.input = performance.now(); }, true);
`;

export type Shown = 'signIn' | 'overview' | 'inventory';

/** Installed in every context: the probes and, when signed in, the session. */
export async function prepareContext(context: BrowserContext, session?: { token: string; me: unknown }): Promise<void> {
  // The console keeps its session in this tab's sessionStorage (console/src/lib/session.tsx).
  const signIn = session ? `sessionStorage.setItem('mandate.session', ${JSON.stringify(JSON.stringify(session))});` : '';
  await context.addInitScript({ content: `${PROBES}\n${signIn}` });
}

type Probe = Shown | 'changed';

/** Waits for a probe to hold and answers the in-page time of the frame that showed it. */
export async function shownAt(page: Page, probe: Probe, arg: string | null = null, timeout = 60_000): Promise<number> {
  const handle = await page.waitForFunction(
    ([name, a]) => {
      const b = (globalThis as unknown as { __bench?: Record<string, (x: unknown) => boolean> }).__bench;
      return b && b[name]!(a) ? performance.now() : false;
    },
    [probe, arg] as const,
    { polling: 'raf', timeout },
  );
  return (await handle.jsonValue()) as number;
}

/** What the inventory table shows now (the count and the first row). */
export async function inventoryState(page: Page): Promise<string> {
  return (await page.evaluate('window.__bench.state()')) as string;
}

/** Clears the input clock and the resource timings before an interaction. */
export async function resetInput(page: Page): Promise<void> {
  await page.evaluate('window.__bench.input = null; performance.clearResourceTimings();');
}

/** The time of the interaction's input event, and the duration of its last request to `path`. */
export async function inputAndRequest(page: Page, path: string): Promise<{ input: number | null; requestMs: number | null }> {
  return JSON.parse(
    (await page.evaluate(`JSON.stringify({ input: window.__bench.input,
    requestMs: performance.getEntriesByType('resource').filter((r) => r.name.includes(${JSON.stringify(path)}))
      .map((r) => r.duration).pop() ?? null })`)) as string,
  );
}

export interface NavTiming {
  domContentLoadedMs: number;
  loadEventEndMs: number;
  /** JavaScript the page fetched: bytes over the wire (0 from the HTTP cache) and the largest file. */
  jsTransferBytes: number;
  largestJs: { name: string; transferBytes: number; encodedBytes: number; decodedBytes: number } | null;
  /** The page's API requests: the longest duration per path (query left out), and each request made. */
  api: Record<string, number>;
  requests: string[];
  alerts: string[];
}

/** Navigation Timing and Resource Timing of the current document (after its load event). */
export async function navTiming(page: Page): Promise<NavTiming> {
  await page.waitForLoadState('load');
  const json = await page.evaluate(`(() => {
    const n = performance.getEntriesByType('navigation')[0];
    const js = performance.getEntriesByType('resource').filter((r) => /\\.js(\\?|$)/.test(r.name));
    const largest = js.sort((a, b) => b.encodedBodySize - a.encodedBodySize)[0];
    return JSON.stringify({
      domContentLoadedMs: n.domContentLoadedEventEnd, loadEventEndMs: n.loadEventEnd,
      jsTransferBytes: js.reduce((s, r) => s + r.transferSize, 0),
      largestJs: largest ? {
        name: new URL(largest.name).pathname, transferBytes: largest.transferSize,
        encodedBytes: largest.encodedBodySize, decodedBytes: largest.decodedBodySize,
      } : null,
      api: performance.getEntriesByType('resource').filter((r) => r.name.includes('/v1/')).reduce((o, r) => {
        const p = new URL(r.name).pathname; o[p] = Math.max(o[p] ?? 0, r.duration); return o; }, {}),
      requests: [...new Set(performance.getEntriesByType('resource').filter((r) => r.name.includes('/v1/'))
        .map((r) => { const u = new URL(r.name); return u.pathname + u.search; }))],
      alerts: [...document.querySelectorAll('[role=alert]')].map((e) => e.textContent.slice(0, 200)),
    });
  })()`);
  return JSON.parse(json as string) as NavTiming;
}
