// Registration: the issuers Mandate trusts for workload tokens, and how each identity proves
// itself (an OIDC subject at a trusted issuer, a public key, or, for legacy identities only, a
// static secret answered once and stored as a hash). Removing either revokes every token it could
// have produced, by moving the identities' token generations.
import { createHash, randomBytes } from 'node:crypto';
import { importJWK, type JWK } from 'jose';
import { MandateError } from '../core/errors.js';
import { OutboundFailed, OutboundRefused, type OutboundGuard } from '../http/outbound.js';
import { appendEvents } from '../ledger/log.js';
import { bumpGenerations } from '../state/generations.js';
import { getRecord } from '../state/records.js';
import type { Database } from '../store/db.js';
import type { CredentialRegistration, RegisteredCredential, TrustedIssuer } from './model.js';
import type { ProofService } from './proofs.js';

export interface CredentialRow {
  id: string;
  identity_id: string;
  type: RegisteredCredential['type'];
  issuer: string | null;
  subject: string | null;
  public_jwk: string | null;
  secret_hash: string | null;
  created_at: string;
  revoked_at: string | null;
}

export const sha256 = (s: string): Buffer => createHash('sha256').update(s).digest();

export function toCredential(r: CredentialRow): RegisteredCredential {
  return {
    id: r.id,
    identity: r.identity_id,
    type: r.type,
    created_at: r.created_at,
    revoked_at: r.revoked_at,
    ...(r.issuer ? { issuer: r.issuer } : {}),
    ...(r.subject ? { subject: r.subject } : {}),
    ...(r.public_jwk ? { jwk: JSON.parse(r.public_jwk) as object } : {}),
  };
}

export interface CredentialDeps {
  db: Database;
  clock: () => Date;
  /** The proofs' cache of an issuer's keys, emptied when the issuer is removed. */
  proofs: Pick<ProofService, 'forgetIssuer'>;
  /** A jwks_uri must pass the outbound guard (https, not loopback or private unless allowed). */
  outbound: Pick<OutboundGuard, 'checkUrl' | 'resolve'>;
}

export function credentialService({ db, clock, proofs, outbound }: CredentialDeps) {
  /** A jwks_uri the guard would refuse is refused now, not at the first token exchange. */
  async function checkJwksUri(uri: string): Promise<void> {
    try {
      outbound.checkUrl(uri, 'jwks');
      await outbound.resolve(uri, 'jwks');
    } catch (err) {
      if (err instanceof OutboundRefused) throw new MandateError('VALIDATION_FAILED', `jwks_uri is ${err.message}`, { field: '/jwks_uri' });
      // A name that does not resolve yet is not refused here: the guard checks again at every fetch.
      if (!isResolutionFailure(err)) throw err;
    }
  }

  return {
    async addIssuer(actor: string, issuer: TrustedIssuer): Promise<TrustedIssuer> {
      if (!issuer.jwks === !issuer.jwks_uri)
        throw new MandateError('VALIDATION_FAILED', 'give exactly one of jwks (inline keys) or jwks_uri', { field: '/jwks' });
      if (issuer.jwks_uri) await checkJwksUri(issuer.jwks_uri);
      const at = clock().toISOString();
      return db.transaction(async (tx) => {
        const [dup] = await tx.all<{ id: string }>('SELECT id FROM trusted_issuers WHERE id = ? OR issuer = ?', [issuer.id, issuer.issuer]);
        if (dup) throw new MandateError('ALREADY_EXISTS', `issuer ${issuer.id} (${issuer.issuer}) is already trusted`, { field: '/id' });
        await tx.run('INSERT INTO trusted_issuers (id, issuer, doc, created_at) VALUES (?, ?, ?, ?)', [
          issuer.id,
          issuer.issuer,
          JSON.stringify(issuer),
          at,
        ]);
        await appendEvents(tx, at, [{ actor, action: 'issuer.trusted', subject: { type: 'issuer', id: issuer.id }, after: issuer }]);
        return issuer;
      });
    },

    async listIssuers(): Promise<TrustedIssuer[]> {
      return (await db.all<{ doc: string }>('SELECT doc FROM trusted_issuers ORDER BY id')).map((r) => JSON.parse(r.doc) as TrustedIssuer);
    },

    async removeIssuer(actor: string, id: string): Promise<void> {
      const at = clock().toISOString();
      await db.transaction(async (tx) => {
        if (!(await tx.run('DELETE FROM trusted_issuers WHERE id = ?', [id])))
          throw new MandateError('NOT_FOUND', `no trusted issuer ${id}`);
        const bound = await tx.all<{ identity_id: string }>(
          "SELECT DISTINCT identity_id FROM identity_credentials WHERE type = 'oidc' AND issuer = ? AND revoked_at IS NULL",
          [id],
        );
        await tx.run("UPDATE identity_credentials SET revoked_at = ? WHERE type = 'oidc' AND issuer = ? AND revoked_at IS NULL", [at, id]);
        await bumpGenerations(
          tx,
          bound.map((b) => b.identity_id),
          at,
        );
        await appendEvents(tx, at, [
          { actor, action: 'issuer.untrusted', subject: { type: 'issuer', id }, after: { credentials_revoked: bound.length } },
        ]);
      });
      proofs.forgetIssuer(id);
    },

    /** Registers how an identity proves itself; a static secret is answered once and stored only as a hash. */
    async addCredential(
      actor: string,
      identityId: string,
      reg: CredentialRegistration,
    ): Promise<RegisteredCredential & { secret?: string }> {
      const at = clock().toISOString();
      return db.transaction(async (tx) => {
        const stored = await getRecord(tx, 'identity', identityId);
        if (!stored) throw new MandateError('NOT_FOUND', `no identity ${identityId}`);
        const id = `cred_${randomBytes(9).toString('base64url')}`;
        let secret: string | undefined;
        const cols: { issuer: string | null; subject: string | null; public_jwk: string | null; secret_hash: string | null } = {
          issuer: null,
          subject: null,
          public_jwk: null,
          secret_hash: null,
        };
        if (reg.type === 'oidc') {
          const [issuer] = await tx.all<{ id: string }>('SELECT id FROM trusted_issuers WHERE id = ?', [reg.issuer]);
          if (!issuer) throw new MandateError('VALIDATION_FAILED', `no trusted issuer ${reg.issuer}`, { field: '/issuer' });
          const [taken] = await tx.all<{ identity_id: string }>(
            "SELECT identity_id FROM identity_credentials WHERE type = 'oidc' AND issuer = ? AND subject = ?",
            [reg.issuer, reg.subject],
          );
          if (taken)
            throw new MandateError('ALREADY_EXISTS', `workload ${reg.subject} at ${reg.issuer} is already bound to ${taken.identity_id}`, {
              field: '/subject',
            });
          Object.assign(cols, { issuer: reg.issuer, subject: reg.subject });
        } else if (reg.type === 'jwk') {
          try {
            await importJWK(reg.jwk as JWK, reg.jwk.alg ?? (reg.jwk.kty === 'OKP' ? 'EdDSA' : reg.jwk.kty === 'EC' ? 'ES256' : 'RS256'));
          } catch (err) {
            throw new MandateError('VALIDATION_FAILED', `jwk is not a usable public key: ${(err as Error).message}`, { field: '/jwk' });
          }
          cols.public_jwk = JSON.stringify(reg.jwk);
        } else {
          if (stored.record.credential.type !== 'static_secret')
            throw new MandateError(
              'VALIDATION_FAILED',
              `identity ${identityId} is not marked legacy (credential.type static_secret): give it a workload token or a key instead`,
              { field: '/type' },
            );
          secret = `mds_${randomBytes(32).toString('base64url')}`;
          cols.secret_hash = sha256(secret).toString('hex');
        }
        await tx.run(
          'INSERT INTO identity_credentials (id, identity_id, type, issuer, subject, public_jwk, secret_hash, created_at) VALUES (?, ' +
            '?, ?, ?, ?, ?, ?, ?)',
          [id, identityId, reg.type, cols.issuer, cols.subject, cols.public_jwk, cols.secret_hash, at],
        );
        const cred: RegisteredCredential = {
          id,
          identity: identityId,
          type: reg.type,
          created_at: at,
          revoked_at: null,
          ...(cols.issuer ? { issuer: cols.issuer, subject: cols.subject! } : {}),
          ...(reg.type === 'jwk' ? { jwk: reg.jwk } : {}),
        };
        await appendEvents(tx, at, [
          { actor, action: 'credential.registered', subject: { type: 'identity', id: identityId }, after: cred },
        ]);
        return secret ? { ...cred, secret } : cred;
      });
    },

    async listCredentials(identityId: string): Promise<RegisteredCredential[]> {
      return (
        await db.all<CredentialRow>('SELECT * FROM identity_credentials WHERE identity_id = ? ORDER BY created_at, id', [identityId])
      ).map(toCredential);
    },

    /** Revokes a credential and every token it could have produced. */
    async revokeCredential(actor: string, identityId: string, credentialId: string): Promise<RegisteredCredential> {
      const at = clock().toISOString();
      return db.transaction(async (tx) => {
        const [row] = await tx.all<CredentialRow>('SELECT * FROM identity_credentials WHERE id = ? AND identity_id = ?', [
          credentialId,
          identityId,
        ]);
        if (!row) throw new MandateError('NOT_FOUND', `identity ${identityId} has no credential ${credentialId}`);
        if (row.revoked_at) return toCredential(row);
        await tx.run('UPDATE identity_credentials SET revoked_at = ? WHERE id = ?', [at, credentialId]);
        await bumpGenerations(tx, [identityId], at);
        await appendEvents(tx, at, [
          { actor, action: 'credential.revoked', subject: { type: 'identity', id: identityId }, after: { credential: credentialId } },
        ]);
        return { ...toCredential(row), revoked_at: at };
      });
    },
  };
}
export type CredentialService = ReturnType<typeof credentialService>;

function isResolutionFailure(err: unknown): boolean {
  return (
    err instanceof OutboundFailed ||
    (err instanceof Error && /^(ENOTFOUND|EAI_AGAIN|ENODATA|ESERVFAIL|ETIMEOUT)$/.test(String((err as NodeJS.ErrnoException).code)))
  );
}
