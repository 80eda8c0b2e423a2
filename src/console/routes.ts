// Serves the web console (the Vite build in console/dist) under /console/, from this same server
// and port. A request reaches only a regular file inside the build folder; any other path under
// /console/ gets index.html, so the single-page app's own routes work on reload.
import { existsSync, statSync } from 'node:fs';
import { join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance, FastifyReply } from 'fastify';

/** console/dist beside src/ (or dist/) of this package. */
export const CONSOLE_DIST = resolve(fileURLToPath(new URL('../../console/dist', import.meta.url)));

// The console talks only to this origin; no inline scripts, no framing, no referrer leaks.
const SECURITY_HEADERS = {
  'content-security-policy':
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; object-src 'none'; " +
    "base-uri 'none'; frame-ancestors 'none'; form-action 'self'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
};

/** The build file a path names, if it is a regular file inside the build (no escape with ..). */
export function buildFile(root: string, path: string): string | undefined {
  if (!path || path.includes('\0')) return undefined;
  const full = resolve(root, path);
  if (!full.startsWith(root + sep)) return undefined;
  try {
    return statSync(full).isFile()
      ? full
          .slice(root.length + 1)
          .split(sep)
          .join('/')
      : undefined;
  } catch {
    return undefined;
  }
}

/** The path under /console/ (the wildcard: any text, checked by buildFile). */
const ConsolePath = Type.Object({ '*': Type.String() });

/** How people sign in to the console, which it asks before it shows its sign-in page. */
const SignInMethods = Type.Object({
  sso: Type.Boolean({ description: 'the server signs people in at the firm’s identity provider (GET /v1/signin)' }),
  api_token: Type.Boolean({ description: 'a person may also sign in with their own API token (reads; never an act of power under SSO)' }),
});

export async function registerConsoleRoutes(fastify: FastifyInstance, opts: { root?: string; sso: boolean }): Promise<void> {
  const root = opts.root ?? CONSOLE_DIST;
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const built = existsSync(join(root, 'index.html'));
  if (built) await app.register(fastifyStatic, { root, serve: false });

  const send = (reply: FastifyReply, file: string) => {
    // Hashed assets never change; index.html must be fetched again to pick up a new build.
    reply.header('cache-control', file.startsWith('assets/') ? 'public, max-age=31536000, immutable' : 'no-cache');
    return reply.sendFile(file, root, { cacheControl: false });
  };
  const config = { permission: 'public' as const };
  app.get('/', { config, schema: { hide: true } }, async (_req, reply) => reply.redirect('/console/'));
  app.get('/console', { config, schema: { hide: true } }, async (_req, reply) => reply.redirect('/console/'));
  app.get('/console/sign-in.json', { config, schema: { hide: true, response: { 200: SignInMethods } } }, async (_req, reply) =>
    reply.header('cache-control', 'no-store').send({ sso: opts.sso, api_token: true }),
  );
  app.get('/console/*', { config, schema: { hide: true, params: ConsolePath } }, async (req, reply) => {
    reply.headers(SECURITY_HEADERS);
    if (!built) {
      return reply
        .code(503)
        .type('text/plain; charset=utf-8')
        .send('The console is not built. Run `npm run build` (or `npm start`, which builds it) and restart the server.\n');
    }
    const path = req.params['*'];
    const file = buildFile(root, path);
    // A missing asset is a 404 (an old tab after an upgrade must not get HTML for its script);
    // any other path is one of the app's own routes.
    if (!file && path.startsWith('assets/'))
      return reply.code(404).type('text/plain; charset=utf-8').send('No such console asset: reload the page.\n');
    return send(reply, file ?? 'index.html');
  });
}
