// Introspection (RFC 7662) and revocation (RFC 7009) of Mandate's own tokens: a token is active
// while its signature, issuer and expiry hold, it is not on the deny-list, its identity's token
// generation has not moved and the identity is active. Revoking one token puts it on the deny-list;
// revoking an identity's tokens moves its generation.
import { createLocalJWKSet, jwtVerify, type JWTPayload } from 'jose';
import { isMandateAccessToken, MANDATE_TOKEN_TYP, type MandateAccessToken } from '@mandate/sdk/claims';
import { MandateError } from '../core/errors.js';
import { appendEvents } from '../ledger/log.js';
import { bumpGenerations, currentGeneration } from '../state/generations.js';
import { getRecord } from '../state/records.js';
import type { Database } from '../store/db.js';
import type { SigningKeys } from './keys.js';
import { refusal, screenHeader } from './proofs.js';

export interface IntrospectionDeps {
  db: Database;
  clock: () => Date;
  keys: Pick<SigningKeys, 'jwks'>;
  /** The `iss` of Mandate's tokens. */
  issuer: () => string;
}

export function introspectionService({ db, clock, keys, issuer }: IntrospectionDeps) {
  const nowS = () => Math.floor(clock().getTime() / 1000);

  /** Verifies one of Mandate's own tokens; answers its claims or why it is not active. */
  async function check(token: string): Promise<{ claims: MandateAccessToken } | { inactive: string }> {
    let payload: JWTPayload;
    try {
      screenHeader(token, 'token');
      ({ payload } = await jwtVerify(token, createLocalJWKSet(keys.jwks()), {
        issuer: issuer(),
        algorithms: ['EdDSA'],
        typ: MANDATE_TOKEN_TYP,
        currentDate: clock(),
        clockTolerance: 5,
      }));
    } catch (err) {
      return { inactive: refusal(err, 'token').message };
    }
    if (!isMandateAccessToken(payload)) return { inactive: 'token does not carry Mandate claims' };
    const claims = payload;
    const [revoked] = await db.all<{ jti: string }>('SELECT jti FROM revoked_tokens WHERE jti = ?', [claims.jti]);
    if (revoked) return { inactive: 'token was revoked' };
    if ((await currentGeneration(db, claims.sub)) !== claims.mdt.gen)
      return { inactive: `identity ${claims.sub}'s tokens were revoked (generation changed)` };
    const stored = await getRecord(db, 'identity', claims.sub);
    if (stored?.record.status !== 'active') return { inactive: `identity ${claims.sub} is ${stored?.record.status ?? 'gone'}` };
    return { claims };
  }

  return {
    /**
     * RFC 7662: inactive tokens answer only {active: false}. A resource server that authenticated
     * as an OAuth client (`audience`: its identity) learns only of tokens issued for it (§4).
     */
    async introspect(token: string, audience?: string): Promise<Record<string, unknown>> {
      const r = await check(token);
      if ('inactive' in r) return { active: false };
      const c = r.claims;
      if (audience !== undefined && ![c.aud].flat().includes(audience)) return { active: false };
      return {
        active: true,
        token_type: 'Bearer',
        sub: c.sub,
        client_id: c.client_id,
        iss: c.iss,
        aud: c.aud,
        exp: c.exp,
        iat: c.iat,
        nbf: c.nbf,
        jti: c.jti,
        scope: c.scope,
        mdt: c.mdt,
      };
    },

    check,

    /** RFC 7009: revoking is always answered 200; a valid token of ours goes on the deny-list until it expires. */
    async revoke(token: string): Promise<void> {
      let claims: JWTPayload;
      try {
        screenHeader(token, 'token');
        ({ payload: claims } = await jwtVerify(token, createLocalJWKSet(keys.jwks()), {
          issuer: issuer(),
          algorithms: ['EdDSA'],
          currentDate: clock(),
          clockTolerance: 5,
        }));
      } catch {
        return; // not ours, malformed or expired: nothing to revoke
      }
      if (!isMandateAccessToken(claims)) return;
      const at = clock().toISOString();
      const c = claims;
      await db.transaction(async (tx) => {
        const n = await tx.run(
          'INSERT INTO revoked_tokens (jti, identity_id, expires_at, revoked_at) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING',
          [c.jti, c.sub, c.exp, at],
        );
        if (n)
          await appendEvents(tx, at, [
            {
              actor: `identity:${c.sub}`,
              action: 'token.revoked',
              subject: { type: 'identity', id: c.sub },
              after: { jti: c.jti, expires_at: c.exp },
            },
          ]);
        // Expired entries are no longer needed: the deny-list stays as small as the tokens alive.
        await tx.run('DELETE FROM revoked_tokens WHERE expires_at < ?', [nowS() - 60]);
      });
    },

    /** Revokes every token an identity holds, by bumping its generation. */
    async revokeIdentity(actor: string, identityId: string, reason: string): Promise<{ identity: string; generation: number }> {
      const at = clock().toISOString();
      return db.transaction(async (tx) => {
        if (!(await getRecord(tx, 'identity', identityId))) throw new MandateError('NOT_FOUND', `no identity ${identityId}`);
        const gen = (await bumpGenerations(tx, [identityId], at)).get(identityId)!;
        await appendEvents(tx, at, [
          { actor, action: 'identity.tokens_revoked', subject: { type: 'identity', id: identityId }, after: { generation: gen }, reason },
        ]);
        return { identity: identityId, generation: gen };
      });
    },
  };
}
export type IntrospectionService = ReturnType<typeof introspectionService>;
