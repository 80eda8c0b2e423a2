// HTTP for Shared Signals: the transmitter metadata (public), the stream management API of
// OpenID SSF 1.0 §8.1 (streams, status, subjects, verification) and RFC 8936 polling, authorised by Mandate API tokens holding ssf:manage.
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { rolesAllow } from '../core/roles.js';
import {
  AddSubject,
  DEFAULT_SUBJECTS,
  PollRequest,
  RemoveSubject,
  STREAM_STATUSES,
  StatusUpdate,
  StreamCreate,
  StreamId,
  StreamUpdate,
  VerifyRequest,
} from '../core/ssf.js';
import { Enum } from '../core/model.js';
import { actorOf } from '../http/common.js';
import { ProblemResponse } from '../http/problem.js';
import type { Names } from '../http/responses.js';
import type { SsfCaller, SsfService, StreamConfig, StreamStatusView } from './service.js';

const Uris = Type.Array(Type.String());
const StreamConfigSchema = Type.Object(
  {
    stream_id: Type.String(),
    iss: Type.String(),
    aud: Type.Union([Type.String(), Type.Array(Type.String())]),
    events_supported: Uris,
    events_requested: Uris,
    events_delivered: Uris,
    delivery: Type.Object(
      { method: Type.String(), endpoint_url: Type.String() },
      { description: 'the Authorization header of a push stream is never answered' },
    ),
    min_verification_interval: Type.Integer(),
    description: Type.Optional(Type.String()),
    default_subjects: Enum(DEFAULT_SUBJECTS),
  },
  { title: 'SsfStreamConfig' },
);
const StatusSchema = Type.Object(
  { stream_id: Type.String(), status: Enum(STREAM_STATUSES), reason: Type.Optional(Type.String()) },
  { title: 'SsfStreamStatus' },
);
const Configuration = Type.Object(
  {
    spec_version: Type.String(),
    issuer: Type.String(),
    jwks_uri: Type.String(),
    delivery_methods_supported: Uris,
    configuration_endpoint: Type.String(),
    status_endpoint: Type.String(),
    add_subject_endpoint: Type.String(),
    remove_subject_endpoint: Type.String(),
    verification_endpoint: Type.String(),
    authorization_schemes: Type.Array(Type.Object({ spec_urn: Type.String() })),
    default_subjects: Type.String(),
  },
  { title: 'SsfConfiguration' },
);
const PollResponse = Type.Object(
  { sets: Type.Record(Type.String(), Type.String()), moreAvailable: Type.Optional(Type.Boolean()) },
  { title: 'SsfPollResponse' },
);
const StreamQuery = Type.Object({ stream_id: StreamId }, { additionalProperties: false });

const IN_STEP: [Names<Static<typeof StreamConfigSchema>, StreamConfig>, Names<Static<typeof StatusSchema>, StreamStatusView>] = [
  true,
  true,
];
void IN_STEP;

/** The receiver behind the token: its own streams, or all of them for an admin (users:admin). */
function caller(req: FastifyRequest): SsfCaller {
  const p = req.principal!;
  return { user: p.user, all: rolesAllow(p.roles, 'users:admin') };
}

export function registerSsfRoutes(fastify: FastifyInstance, ssf: SsfService): void {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const tags = ['shared signals'];

  app.get(
    '/.well-known/ssf-configuration',
    {
      config: { permission: 'public' },
      schema: {
        tags,
        operationId: 'getSsfConfiguration',
        summary: 'OpenID SSF 1.0 transmitter configuration metadata',
        security: [],
        response: { 200: Configuration, '4xx': ProblemResponse },
      },
    },
    async (_req, reply) => reply.header('cache-control', 'public, max-age=60').send(ssf.configuration()),
  );

  app.post(
    '/v1/ssf/streams',
    {
      config: { permission: 'ssf:manage' },
      schema: {
        tags,
        operationId: 'createSsfStream',
        summary: 'Create an event stream (SSF §8.1.1.1): push with the receiver URL and Authorization header, or poll',
        body: StreamCreate,
        response: { 201: StreamConfigSchema, '4xx': ProblemResponse },
      },
    },
    async (req, reply) => reply.code(201).send(await ssf.create(actorOf(req), caller(req), req.body)),
  );

  app.get(
    '/v1/ssf/streams',
    {
      config: { permission: 'ssf:manage' },
      schema: {
        tags,
        operationId: 'getSsfStreams',
        summary: "A stream's configuration, or every stream of the receiver without stream_id (SSF §8.1.1.2)",
        querystring: Type.Object({ stream_id: Type.Optional(StreamId) }, { additionalProperties: false }),
        response: { 200: Type.Union([StreamConfigSchema, Type.Array(StreamConfigSchema)]), '4xx': ProblemResponse },
      },
    },
    async (req) => ssf.read(caller(req), req.query.stream_id),
  );

  app.patch(
    '/v1/ssf/streams',
    {
      config: { permission: 'ssf:manage' },
      schema: {
        tags,
        operationId: 'updateSsfStream',
        summary: "Update a stream's configuration: the members sent change (SSF §8.1.1.3)",
        body: StreamUpdate,
        response: { 200: StreamConfigSchema, '4xx': ProblemResponse },
      },
    },
    async (req) => ssf.patch(actorOf(req), caller(req), req.body),
  );

  app.put(
    '/v1/ssf/streams',
    {
      config: { permission: 'ssf:manage' },
      schema: {
        tags,
        operationId: 'replaceSsfStream',
        summary: "Replace a stream's configuration: a receiver-supplied member left out is removed (SSF §8.1.1.4)",
        body: StreamUpdate,
        response: { 200: StreamConfigSchema, '4xx': ProblemResponse },
      },
    },
    async (req) => ssf.replace(actorOf(req), caller(req), req.body),
  );

  app.delete(
    '/v1/ssf/streams',
    {
      config: { permission: 'ssf:manage' },
      schema: {
        tags,
        operationId: 'deleteSsfStream',
        summary: 'Delete a stream; its undelivered SETs are dropped (SSF §8.1.1.5)',
        querystring: StreamQuery,
        response: { 204: Type.Null({ description: 'deleted' }), '4xx': ProblemResponse },
      },
    },
    async (req, reply) => {
      await ssf.remove(actorOf(req), caller(req), req.query.stream_id);
      return reply.code(204).send(null);
    },
  );

  app.get(
    '/v1/ssf/status',
    {
      config: { permission: 'ssf:manage' },
      schema: {
        tags,
        operationId: 'getSsfStreamStatus',
        summary: "A stream's status (SSF §8.1.2.1)",
        querystring: StreamQuery,
        response: { 200: StatusSchema, '4xx': ProblemResponse },
      },
    },
    async (req) => ssf.status(caller(req), req.query.stream_id),
  );

  app.post(
    '/v1/ssf/status',
    {
      config: { permission: 'ssf:manage' },
      schema: {
        tags,
        operationId: 'updateSsfStreamStatus',
        summary: "Change a stream's status: paused holds its SETs, enabled releases them, disabled drops them (SSF §8.1.2.2)",
        body: StatusUpdate,
        response: { 200: StatusSchema, '4xx': ProblemResponse },
      },
    },
    async (req) => ssf.setStatus(actorOf(req), caller(req), req.body),
  );

  app.post(
    '/v1/ssf/subjects/add',
    {
      config: { permission: 'ssf:manage' },
      schema: {
        tags,
        operationId: 'addSsfSubject',
        summary: "Add a subject to a stream: the identity's events go to it, on a NONE stream too (SSF §8.1.3.2)",
        body: AddSubject,
        response: {
          200: Type.String({ maxLength: 0, description: 'added: an empty body (whether the identity exists is not said)' }),
          '4xx': ProblemResponse,
        },
      },
    },
    async (req, reply) => {
      await ssf.addSubject(actorOf(req), caller(req), req.body);
      // SSF §8.1.3.2 answers an empty 200 (a string is sent as it is, as text/plain).
      return reply.code(200).header('cache-control', 'no-store').send('');
    },
  );

  app.post(
    '/v1/ssf/subjects/remove',
    {
      config: { permission: 'ssf:manage' },
      schema: {
        tags,
        operationId: 'removeSsfSubject',
        summary: "Remove a subject from a stream: the identity's events no longer go to it (SSF §8.1.3.3)",
        body: RemoveSubject,
        response: { 204: Type.Null({ description: 'removed' }), '4xx': ProblemResponse },
      },
    },
    async (req, reply) => {
      await ssf.removeSubject(actorOf(req), caller(req), req.body);
      return reply.code(204).header('cache-control', 'no-store').send(null);
    },
  );

  app.post(
    '/v1/ssf/verify',
    {
      config: { permission: 'ssf:manage' },
      schema: {
        tags,
        operationId: 'verifySsfStream',
        summary: 'Ask for a verification event on a stream, with an optional state echoed in it (SSF §8.1.4.2)',
        body: VerifyRequest,
        response: { 204: Type.Null({ description: 'the verification event is on its way' }), '4xx': ProblemResponse },
      },
    },
    async (req, reply) => {
      await ssf.verify(actorOf(req), caller(req), req.body);
      return reply.code(204).send(null);
    },
  );

  app.post(
    '/v1/ssf/streams/:id/poll',
    {
      config: { permission: 'ssf:manage' },
      schema: {
        tags,
        operationId: 'pollSsfStream',
        summary: 'Poll a stream for SETs, acknowledging (and reporting errors of) those received before (RFC 8936 §2.4)',
        params: Type.Object({ id: StreamId }, { additionalProperties: false }),
        body: PollRequest,
        response: { 200: PollResponse, '4xx': ProblemResponse },
      },
    },
    async (req, reply) => {
      // A long poll ends when the caller goes away.
      const gone = new AbortController();
      reply.raw.once('close', () => gone.abort());
      return ssf.poll(actorOf(req), caller(req), req.params.id, req.body, gone.signal);
    },
  );
}
