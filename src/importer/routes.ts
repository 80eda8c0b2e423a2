// POST /v1/import: a firm manifest as JSON or YAML; ?dry_run=true shows the diff and writes nothing.
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { actorOf } from '../http/common.js';
import { ProblemResponse } from '../http/problem.js';
import { formatFor, parseManifestText } from './parse.js';
import type { importService } from './service.js';

/** Large enough for a 250,000-identity manifest; everything else keeps the server's 1 MiB limit. */
export const IMPORT_BODY_LIMIT = 256 * 1024 * 1024;

const Counts = Type.Object({
  created: Type.Integer(),
  updated: Type.Integer(),
  unchanged: Type.Integer(),
  rejected: Type.Integer(),
  held: Type.Integer({ description: 'identity records that would gain power: held for approval, not written' }),
});
const Held = Type.Object({
  id: Type.String(),
  op: Type.String({ description: 'create or update' }),
  gains: Type.Array(Type.Object({ kind: Type.String(), detail: Type.String() })),
  change_request: Type.Optional(Type.String({ description: 'GET /v1/changes/{id}' })),
  approval: Type.Optional(Type.String({ description: 'what approvers vote on: POST /v1/approvals/{id}/approve' })),
  required: Type.Optional(Type.Integer({ description: 'approvals the rules require' })),
});

export const MANIFEST_MEDIA_TYPES = ['application/json', 'application/yaml', 'application/x-yaml', 'text/yaml'];

/**
 * The manifest as sent, by media type: text the parser hands on whole (a JSON or YAML document,
 * validated by the importer). A body keyed by media type is validated only for those types.
 */
const Manifest = Type.String({ description: 'a firm manifest (docs/manifest.md)' });
const ManifestBody = {
  content: Object.fromEntries(MANIFEST_MEDIA_TYPES.map((t) => [t, { schema: Manifest }])),
};

export async function registerImportRoutes(parent: FastifyInstance, importer: ReturnType<typeof importService>): Promise<void> {
  // In its own scope: this route takes the manifest as raw text (JSON or YAML, parsed by one
  // parser with one set of error messages, and hashed as sent) and a larger body limit.
  await parent.register(async (scope) => {
    const app = scope.withTypeProvider<TypeBoxTypeProvider>();
    app.removeContentTypeParser('application/json');
    app.addContentTypeParser(MANIFEST_MEDIA_TYPES, { parseAs: 'string', bodyLimit: IMPORT_BODY_LIMIT }, (_req, body, done) =>
      done(null, body),
    );
    app.post(
      '/v1/import',
      {
        bodyLimit: IMPORT_BODY_LIMIT,
        config: { permission: 'import' },
        schema: {
          tags: ['import'],
          operationId: 'importManifest',
          summary:
            'Import a firm manifest (JSON or YAML): upsert by id, all or nothing; ' +
            'identity records that would gain power are held for approval',
          querystring: Type.Object({ dry_run: Type.Optional(Type.Boolean({ default: false })) }, { additionalProperties: false }),
          body: ManifestBody,
          response: {
            200: Type.Object({
              dry_run: Type.Boolean(),
              bootstrap: Type.Boolean({ description: 'the first load of an empty inventory, applied whole' }),
              counts: Counts,
              pending: Type.Array(Held),
              pending_total: Type.Integer(),
              digest: Type.String({ description: 'SHA-256 of the manifest as sent' }),
              changes: Type.Optional(
                Type.Array(
                  Type.Object({
                    kind: Type.String(),
                    id: Type.String(),
                    op: Type.String(),
                    changes: Type.Array(
                      Type.Object({ field: Type.String(), before: Type.Optional(Type.Unknown()), after: Type.Optional(Type.Unknown()) }),
                    ),
                  }),
                ),
              ),
              changes_total: Type.Optional(Type.Integer()),
            }),
            '4xx': ProblemResponse,
          },
        },
      },
      async (req) => {
        // Text from the parser; a request with no body and no Content-Type has none (undefined), which
        // reads as a manifest that is not valid JSON, as it always has.
        const text = String(req.body);
        const doc = parseManifestText(text, formatFor(String(req.headers['content-type'] ?? 'application/json')));
        const { dry_run } = req.query;
        return importer.importManifest(actorOf(req), doc, { dryRun: dry_run ?? false, digestOf: text });
      },
    );
  });
}
