// Which methods a concrete path has, from the route table (for 405 and its Allow header). The
// table's templates (`/v1/identities/:id`, `/console/*`) are matched segment by segment.

/** The methods of every route whose template matches `path`, with HEAD wherever GET is. */
export function methodsFor(routes: readonly { method: string; url: string }[], path: string): string[] {
  const segments = path.split('/');
  const found = new Set<string>();
  for (const r of routes) {
    const template = r.url.split('/');
    const matches =
      template.every((t, i) => t === '*' || (i < segments.length && (t.startsWith(':') ? segments[i] !== '' : t === segments[i]))) &&
      (template[template.length - 1] === '*' ? segments.length >= template.length - 1 : template.length === segments.length);
    if (matches) found.add(r.method);
  }
  if (found.has('GET')) found.add('HEAD');
  return [...found].sort();
}
