// Compiled by `npm run typecheck`, never run nor bundled: the API client refuses, at compile time,
// a call the OpenAPI document does not have. Each @ts-expect-error fails the typecheck if the
// call below it ever compiles.
import type { Client } from './api';

export function refusedCalls(api: Client) {
  // @ts-expect-error: no such path
  void api.get('/v1/no-such-thing');
  // @ts-expect-error: the path has no POST
  void api.send('POST', '/v1/me');
  // @ts-expect-error: the path has no GET
  void api.get('/v1/approvals/{id}/approve', { path: { id: 'a' } });
  // @ts-expect-error: a path template's parameters are required
  void api.get('/v1/identities/{id}');
  // @ts-expect-error: a path parameter the template does not have
  void api.get('/v1/identities/{id}', { path: { name: 'x' } });
  // @ts-expect-error: a query parameter the operation does not take
  void api.get('/v1/approvals', { query: { colour: 'red' } });
  // @ts-expect-error: a value the query parameter's enumeration does not have
  void api.get('/v1/approvals', { query: { status: 'maybe' } });
  // @ts-expect-error: the body is required, with its fields
  void api.send('POST', '/v1/identities/{id}/status', { path: { id: 'a' } });
  // @ts-expect-error: a GET takes no body
  void api.get('/v1/me', { body: {} });
}

export async function acceptedCalls(api: Client) {
  const approval = await api.send('POST', '/v1/approvals/{id}/approve', { path: { id: 'a' }, body: { reason: 'ok' } });
  const identities = await api.get('/v1/identities', { query: { limit: 10 } });
  // The answers are typed by the response schemas.
  return [approval.status, identities.items[0]?.id] as const;
}
