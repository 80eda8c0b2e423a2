// Issuance: a workload that proved itself (proofs.ts) gets a minutes-long Mandate access token
// carrying its identity, lawful power, grants and declared session. Every issuance and every
// refusal is evidence, written through the group committer.
import { randomBytes } from 'node:crypto';
import { MANDATE_TOKEN_TYP, type MandateClaims } from '@mandate/sdk/claims';
import type { GrantEntry } from '@mandate/sdk/decision';
import { MandateError } from '../core/errors.js';
import { signCompactJws } from '../keys/signer.js';
import {
  decidePower,
  lawfulActions,
  scopeKey,
  type AuthorityLookup,
  type ProductAuthority,
  type ScopeAuthority,
} from '../core/lifecycle.js';
import { isProductScope, micaScopes, productScopes, type Identity, type Scope } from '../core/model.js';
import { currentProductRules } from '../state/product-rules.js';
import { productAuthorityOf } from '../state/products.js';
import { ActionVocabulary, type ActionDefinition } from '../core/vocabulary.js';
import type { GroupCommitter } from '../ledger/group.js';
import type { NewEvent } from '../ledger/log.js';
import { currentGeneration } from '../state/generations.js';
import type { LifecycleRulesStore } from '../state/lifecycle-rules.js';
import { getCustomActions, getRecord } from '../state/records.js';
import { placeholders, type Database, type Sql } from '../store/db.js';
import type { SigningKeys } from './keys.js';
import { GRANT, TOKEN_TYPE, type TokenRequest, type TokenTtls } from './model.js';
import type { ProofService } from './proofs.js';
import { cleanText, refusalAggregator } from './refusals.js';

export interface TokenResponse {
  access_token: string;
  issued_token_type: string;
  token_type: 'Bearer';
  expires_in: number;
  scope: string;
}

export interface IssuanceDeps {
  db: Database;
  clock: () => Date;
  keys: Pick<SigningKeys, 'current'>;
  lifecycleRules: Pick<LifecycleRulesStore, 'current'>;
  evidence: Pick<GroupCommitter, 'submit'>;
  proofs: Pick<ProofService, 'authenticate'>;
  /** The `iss` of Mandate's tokens, and their audience unless the request names another. */
  issuer: () => string;
  ttls: TokenTtls;
  /** The identity's active grants, exceptions and break-glass activations (carried in its tokens). */
  grants?: ((identity: string) => Promise<GrantEntry[]>) | undefined;
}

/** Authorisations' conditions, by the exact document read (a changed document is parsed anew). */
const MAX_CACHED_CONDITIONS = 1000;

/** Random bytes drawn a few kilobytes at a time: one call into the CSPRNG serves many token ids. */
const JTI_BYTES = 16;
let jtiPool = Buffer.alloc(0);
let jtiAt = 0;
function newJti(): string {
  if (jtiAt + JTI_BYTES > jtiPool.length) {
    jtiPool = randomBytes(JTI_BYTES * 256);
    jtiAt = 0;
  }
  const jti = jtiPool.toString('base64url', jtiAt, jtiAt + JTI_BYTES);
  jtiAt += JTI_BYTES;
  return jti;
}

export function issuanceService({ db, clock, keys, lifecycleRules, evidence, proofs, issuer, ttls, grants: grantsOf }: IssuanceDeps) {
  const nowS = () => Math.floor(clock().getTime() / 1000);
  const conditionsByDoc = new Map<string, ScopeAuthority['conditions']>();
  let vocabulary: { key: string; vocabulary: ActionVocabulary } | undefined;

  function conditionsOf(doc: string): ScopeAuthority['conditions'] {
    if (conditionsByDoc.has(doc)) return conditionsByDoc.get(doc);
    const conditions = (JSON.parse(doc) as { conditions?: ScopeAuthority['conditions'] }).conditions;
    if (conditionsByDoc.size >= MAX_CACHED_CONDITIONS) conditionsByDoc.clear();
    conditionsByDoc.set(doc, conditions);
    return conditions;
  }

  /** The action vocabulary over the custom actions just read, built again only when they changed. */
  function vocabularyOf(custom: ActionDefinition[]): ActionVocabulary {
    const key = JSON.stringify(custom);
    if (vocabulary?.key !== key) vocabulary = { key, vocabulary: new ActionVocabulary(custom) };
    return vocabulary.vocabulary;
  }

  async function loadIdentity(sql: Sql, id: string): Promise<Identity> {
    const stored = await getRecord(sql, 'identity', id);
    if (!stored) throw new MandateError('INVALID_GRANT', `no identity ${id}`);
    const identity = stored.record;
    if (identity.status !== 'active') throw new MandateError('INVALID_GRANT', `identity ${id} is ${identity.status}: it gets no tokens`);
    return identity;
  }

  function ttlFor(identity: Identity, legacy: boolean): number {
    const t = ttls;
    if (legacy) return t.legacy_s;
    const custodyOrTransfer =
      identity.function === 'custody' ||
      identity.scopes.some((s) => 'service' in s && (s.service === 'custody' || s.service === 'transfer'));
    const base = t.by_function[identity.function] ?? t.default_s;
    return identity.capability === 'execute' && custodyOrTransfer ? Math.min(base, t.execute_custody_transfer_s) : base;
  }

  async function lawfulNow(sql: Sql, identity: Identity): Promise<Record<string, string[]>> {
    if (identity.scopes.length === 0) return {};
    const [{ rules }, custom] = await Promise.all([lifecycleRules.current(sql), getCustomActions(sql)]);
    const entities = [...new Set(micaScopes(identity).map((s) => s.entity))];
    const auths = entities.length
      ? await sql.all<{ id: string; entity: string; service: string; jurisdiction: string; status: string; doc: string }>(
          `SELECT id, entity, service, jurisdiction, status, doc FROM authorisations WHERE entity IN (${placeholders(entities.length)})`,
          entities,
        )
      : [];
    const byScope = new Map(
      auths.map((a) => [
        `${a.entity}/${a.service}/${a.jurisdiction}`,
        { id: a.id, status: a.status, conditions: conditionsOf(a.doc) } as ScopeAuthority,
      ]),
    );
    // Product scopes (CRA): the products' states and the product rules in force.
    const products = productScopes(identity);
    const byProduct = new Map<string, ProductAuthority>();
    for (const id of new Set(products.map((s) => s.product))) {
      const p = await productAuthorityOf(sql, id);
      if (p) byProduct.set(id, p);
    }
    const productRules = products.length ? (await currentProductRules(sql)).rules : undefined;
    const lookup = ((s: Scope) => (isProductScope(s) ? byProduct.get(s.product) : byScope.get(scopeKey(s)))) as AuthorityLookup;
    const power = decidePower(identity, lookup, rules, vocabularyOf(custom), productRules);
    return Object.fromEntries(lawfulActions(power).map((l) => [scopeKey(l.scope), l.actions]));
  }

  async function issue(req: TokenRequest, proven: { identity?: string }): Promise<TokenResponse> {
    const proof = await proofs.authenticate(req);
    proven.identity = proof.identity;
    // A public client (openid-client, say) names itself with client_id: it must be the identity proven.
    if (req.grant_type !== GRANT.clientCredentials && req.client_id !== undefined && req.client_id !== proof.identity)
      throw new MandateError('INVALID_GRANT', `the proof is for ${proof.identity}, not client ${req.client_id}`, { field: 'client_id' });
    const identity = await loadIdentity(db, proof.identity);
    const legacy = proof.auth === 'static_secret';
    if (legacy && identity.credential.type !== 'static_secret')
      throw new MandateError(
        'INVALID_CLIENT',
        `identity ${identity.id} is not a legacy static-secret identity: prove it with a workload token or a signed assertion`,
      );
    if (req.environment && req.environment !== identity.environment)
      throw new MandateError('INVALID_GRANT', `identity ${identity.id} belongs to ${identity.environment}, not ${req.environment}`, {
        field: 'environment',
      });
    const [lawful, gen, key, grants] = await Promise.all([
      lawfulNow(db, identity),
      currentGeneration(db, identity.id),
      keys.current(),
      grantsOf?.(identity.id) ?? [],
    ]);
    // A break-glass identity is sealed: it gets a token only inside an open activation, and no
    // token outlives the window.
    const activation = grants.find((g) => g.kind === 'break_glass');
    if (identity.break_glass && !activation) {
      await evidence.submit({ events: [refusedEvent(req, 'sealed break-glass identity', identity.id)] });
      throw new MandateError(
        'INVALID_GRANT',
        `identity ${identity.id} is a sealed break-glass identity: unseal it first (POST /v1/break-glass/${identity.id}/unseal)`,
      );
    }
    // Compensating controls for a static secret: observe only and a shorter life (an approved
    // exception to widen this is a later capability).
    const cap: MandateClaims['cap'] = legacy ? 'observe' : identity.capability;
    const base = ttlFor(identity, legacy);
    const ttl = activation ? Math.max(1, Math.min(base, Math.floor((activation.expires_at - clock().getTime()) / 1000))) : base;
    const iat = nowS();
    const jti = newJti();
    const purpose = req.purpose ?? 'unspecified';
    const mdt: MandateClaims = {
      gen,
      cap,
      kind: identity.kind,
      fn: identity.function,
      env: identity.environment,
      vendor: Boolean(identity.vendor),
      bg: identity.break_glass,
      legacy,
      purpose,
      auth: proof.auth,
      att: proof.attested,
      actions: identity.actions,
      scopes: identity.scopes.map(scopeKey),
      lawful,
      ...(grants.length
        ? {
            grants: grants.map((g) => ({
              id: g.id,
              kind: g.kind,
              ...(g.actions ? { actions: g.actions } : {}),
              ...(g.scope ? { scope: g.scope } : {}),
              ...(g.control ? { control: g.control } : {}),
              exp: Math.floor(g.expires_at / 1000),
            })),
          }
        : {}),
    };
    const scope = [...new Set(Object.values(lawful).flat())].sort().join(' ');
    // Built by hand around the key store's signature (an HSM key cannot be handed to jose); the
    // claims in jose's order. KEY_UNAVAILABLE here answers 503: no token, and none by another key.
    const token = await signCompactJws(
      key.signer,
      { alg: 'EdDSA', kid: key.kid, typ: MANDATE_TOKEN_TYP },
      {
        client_id: identity.id,
        scope,
        mdt,
        iss: issuer(),
        sub: identity.id,
        aud: req.audience ?? issuer(),
        iat,
        nbf: iat,
        exp: iat + ttl,
        jti,
      },
    );
    const replayKey = proof.replayKey;
    const issued = await evidence.submit<boolean>({
      apply: replayKey
        ? async (tx) =>
            (await tx.run('INSERT INTO seen_assertions (issuer, jti, expires_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING', [
              replayKey.issuer,
              replayKey.jti,
              replayKey.exp,
            ])) === 1
        : async () => true,
      events: (fresh) => [
        fresh
          ? {
              actor: `identity:${identity.id}`,
              action: 'token.issued',
              subject: { type: 'identity', id: identity.id },
              after: {
                jti,
                auth: proof.auth,
                attested: proof.attested,
                cap,
                legacy,
                purpose,
                generation: gen,
                expires_at: iat + ttl,
                kid: key.kid,
                scopes: Object.keys(lawful).length,
              },
            }
          : refusedEvent(req, `replayed ${proofName(req)} (jti ${replayKey!.jti})`, identity.id),
      ],
    });
    if (!issued)
      throw new MandateError(
        req.grant_type === GRANT.clientCredentials ? 'INVALID_CLIENT' : 'INVALID_GRANT',
        `${proofName(req)} was already used (jti ${replayKey!.jti}): proofs are one-time`,
      );
    return { access_token: token, issued_token_type: TOKEN_TYPE.accessToken, token_type: 'Bearer', expires_in: ttl, scope };
  }

  const proofName = (req: TokenRequest) =>
    req.grant_type === GRANT.jwtBearer ? 'assertion' : req.grant_type === GRANT.clientCredentials ? 'client_assertion' : 'subject_token';

  /** A refusal of a caller that proved it is `identity`: its own event, on that identity. */
  function refusedEvent(req: Partial<TokenRequest>, reason: string, identity: string): NewEvent {
    // What the caller claimed, never what it presented: no token or secret reaches the ledger.
    return {
      actor: `identity:${identity}`,
      action: 'token.refused',
      subject: { type: 'identity', id: identity },
      after: { grant_type: cleanText(req.grant_type ?? '', 100), reason: cleanText(reason) },
    };
  }
  const anonymous = refusalAggregator({ evidence, clock });

  return {
    /** `source`: the caller's network address, under which unauthenticated refusals are counted. */
    async exchange(req: TokenRequest, source?: string): Promise<TokenResponse> {
      const proven: { identity?: string } = {};
      try {
        return await issue(req, proven);
      } catch (err) {
        if (err instanceof MandateError) {
          if (proven.identity) await evidence.submit({ events: [refusedEvent(req, err.message, proven.identity)] }).catch(() => undefined);
          else anonymous.note(source, req.grant_type, err.code, err.message);
        }
        throw err;
      }
    },
    /** Records the open windows of unauthenticated refusals now (shutdown, tests). */
    flushRefusals: () => anonymous.flush(),
  };
}
export type IssuanceService = ReturnType<typeof issuanceService>;
