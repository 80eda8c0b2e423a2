// Response compression (issue 19: "responses compressed"): the console's lists and overview at
// 100,000 identities, and its bundle, travel as gzip or Brotli when the client accepts one.
import compress from '@fastify/compress';
import type { FastifyInstance } from 'fastify';

/** Below this, compressing costs more than it saves. */
const THRESHOLD_BYTES = 1024;

/**
 * Registers compression for every route registered after it. Only answers to reads (GET, HEAD) are
 * compressed: a write's answer may carry a secret made for the caller (a token, an API client's
 * secret) beside input the caller chose, and compressing the two together would let someone who can
 * make requests and see their sizes guess the secret (BREACH). The enforcement stream writes its own
 * response (reply.hijack) and is never buffered here.
 */
export async function registerCompression(app: FastifyInstance): Promise<void> {
  await app.register(compress, {
    global: true,
    threshold: THRESHOLD_BYTES,
    encodings: ['br', 'gzip'],
  });
  // @fastify/compress leaves alone a request that says x-no-compression.
  app.addHook('onRequest', (req, _reply, done) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') req.headers['x-no-compression'] = '1';
    done();
  });
}
