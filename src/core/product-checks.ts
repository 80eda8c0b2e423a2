// The Cyber Resilience Act's identity controls as checks (issue 20; docs/cra.md): plain functions
// over the product identities (active identities with at least one product scope), the products,
// the product lifecycle rules in force and the exceptions register. Each names the CRA provisions
// it evidences (Art. 13(1): products designed, developed and produced in accordance with the
// essential requirements of Annex I Part I; Annex I Part I (2)(d), (f), (l); Part II (7), (8)),
// conservatively: a check evidences a practice that serves the requirement, it does not prove it.
//
// What a product identity holds is read from its entitlement (`actions`), not from its lawful power
// now: a release-signing key is a signing key whatever the product's status today (a withdrawn
// product still signs security updates, a product in development signs internally).
import { PRODUCT_ACTIONS, productVerdict, type ProductRuleSet } from '@mandate/sdk/decision';
import type { CheckDefinition, CheckFacts, Failure } from './checks.js';
import { ruleSubject, scopeKey } from './lifecycle.js';
import { channelsOf, isProductScope, type Identity, type Product, type ProductScope, type Scope } from './model.js';

/** An exception of the register as the product checks read it (src/grants/exceptions.ts). */
export interface ProductException {
  id: string;
  identity: string;
  control: string;
  status: string;
  scope: Scope;
  actions: readonly string[];
  compensating_controls: { extra_monitoring: boolean; manual_approval_per_action: boolean; note?: string };
  expires_at: string;
}

/** What the product checks read beside the facts every check reads. */
export interface ProductFacts {
  products: ReadonlyMap<string, Product>;
  /** The product lifecycle rules in force (product_lifecycle_rules, else policies/lifecycle/cra-default.yaml). */
  rules: ProductRuleSet;
  exceptions: readonly ProductException[];
}

/**
 * The label that says where a key pair's or certificate's private key lives: `key_storage: hsm`
 * means it was generated in a hardware security module and never leaves it (signing happens there).
 */
export const KEY_STORAGE_LABEL = 'key_storage';
export const HSM_LABEL_VALUE = 'hsm';

/** Categories that put signing under two-person control: important class I and II (Annex III), critical (Annex IV). */
export const TWO_PERSON_CATEGORIES: ReadonlySet<string> = new Set(['important_class_i', 'important_class_ii', 'critical']);

/** Product actions that act on what users install or hold (everything but observing). */
const PRODUCT_EXECUTE: ReadonlySet<string> = new Set([...PRODUCT_ACTIONS].filter((a) => a !== 'read' && a !== 'read_telemetry'));
const PUBLISH = ['publish_release', 'publish_security_update'];

const productScopesOf = (i: Identity): ProductScope[] => i.scopes.filter(isProductScope);
/** Active identities with a product scope. */
const productIdentities = (f: CheckFacts): Identity[] => {
  const out: Identity[] = [];
  for (const { record: i } of f.identities) if (i.status === 'active' && i.scopes.some(isProductScope)) out.push(i);
  return out;
};
const failureFor = (i: Identity, title: string, detail: string, scopes?: readonly ProductScope[]): Failure => ({
  subject: { type: 'identity', id: i.id },
  title,
  detail,
  owner: i.owner ?? null,
  // The product scopes the finding bears on (a product evidence pack selects findings by them).
  scopes: [...new Set((scopes ?? productScopesOf(i)).map(scopeKey))],
});
const held = (i: Identity, action: string) => i.actions.includes(action);
const list = (xs: readonly string[]) => [...new Set(xs)].sort().join(', ');

/** Whether the key behind a key pair or certificate is labelled as held in an HSM. */
export function keyInHsm(i: Pick<Identity, 'labels' | 'credential'>): boolean {
  if (i.credential.type !== 'key_pair' && i.credential.type !== 'certificate') return false;
  return (i.labels?.[KEY_STORAGE_LABEL] ?? '').trim().toLowerCase() === HSM_LABEL_VALUE;
}

/** Whether an exception stands for the identity in a product now: active, not expired, naming the product (any channel, or this one). */
function exceptionFor(f: CheckFacts, p: ProductFacts, identity: string, scope: ProductScope): ProductException | undefined {
  const now = f.now.getTime();
  return p.exceptions.find(
    (e) =>
      e.identity === identity &&
      e.status === 'active' &&
      Date.parse(e.expires_at) > now &&
      isProductScope(e.scope) &&
      e.scope.product === scope.product &&
      (e.scope.channel === undefined || e.scope.channel === scope.channel),
  );
}

export const PRODUCT_CHECKS: readonly CheckDefinition[] = [
  {
    id: 'cra-signing-key-unprotected',
    title: 'Release-signing identity on a key that is neither short-lived nor held in an HSM',
    description:
      'An identity that holds sign_release for a product proves itself with a short-lived credential, or with a key pair or ' +
      `certificate whose private key is held in an HSM (label ${KEY_STORAGE_LABEL}: ${HSM_LABEL_VALUE}).`,
    severity: 'high',
    controls: ['cra:art-13-1', 'cra:annex-i:2-d', 'cra:annex-i:2-f', 'owasp-nhi:NHI7', 'nist-csf:PR.AA-01'],
    accepted_by: ['static_secret'],
    run(f) {
      const ids = productIdentities(f).filter((i) => held(i, 'sign_release'));
      const failures: Failure[] = [];
      for (const i of ids) {
        if (i.credential.type === 'short_lived' || keyInHsm(i)) continue;
        failures.push(
          failureFor(
            i,
            `${i.id} signs releases of ${list(productScopesOf(i).map((s) => s.product))} with an unprotected ${i.credential.type}`,
            i.credential.type === 'static_secret'
              ? 'A static secret signs releases: move signing to an HSM-held key or short-lived credentials (keyless signing).'
              : `Its ${i.credential.type} is not labelled ${KEY_STORAGE_LABEL}: ${HSM_LABEL_VALUE}: hold the private key in an HSM ` +
                  '(and label it so), or sign with short-lived credentials.',
          ),
        );
      }
      return { evaluated: ids.length, failures };
    },
  },
  {
    id: 'cra-signing-without-two-person-control',
    title: 'Release signing for an important or critical product without a second approval',
    description:
      'For important (Annex III) and critical (Annex IV) products, an identity that holds sign_release may sign only with a ' +
      'second person’s approval: the product lifecycle rules in force give sign_release the effect approval in its scope ' +
      '(a just-in-time grant, four eyes), or deny it. An identity that signs only under just-in-time grants does not hold ' +
      'sign_release in its entitlement and is not a standing signer.',
    severity: 'high',
    controls: ['cra:art-13-1', 'cra:annex-i:2-d', 'cra:annex-i:2-f', 'nist-csf:PR.AA-05'],
    run(f) {
      const p = f.products;
      if (!p) return { evaluated: 0, failures: [] };
      const failures: Failure[] = [];
      let evaluated = 0;
      for (const i of productIdentities(f)) {
        if (!held(i, 'sign_release')) continue;
        const cls = f.classOf('sign_release') ?? 'return_path';
        const subject = ruleSubject(i);
        const standing: { scope: ProductScope; product: Product; by: string }[] = [];
        let concerned = false;
        for (const s of productScopesOf(i)) {
          const product = p.products.get(s.product);
          if (!product || !TWO_PERSON_CATEGORIES.has(product.category)) continue;
          concerned = true;
          // In ordinary times: an open exploited vulnerability's second approval (Art. 14) is not two-person control.
          const entry = {
            id: product.id,
            status: product.status,
            category: product.category,
            exploited: false,
            channels: channelsOf(product),
          };
          const v = productVerdict(p.rules, subject, s, entry, 'sign_release', cls);
          if (v.lawful && !v.approval) standing.push({ scope: s, product, by: v.by });
        }
        if (concerned) evaluated++;
        if (!standing.length) continue;
        failures.push(
          failureFor(
            i,
            `${i.id} can sign releases of ${list(standing.map((x) => `${x.product.id} (${x.product.category})`))} alone`,
            `The product lifecycle rules in force let it sign without a second approval (${list(standing.map((x) => x.by))}). ` +
              'Add a rule with effect approval for sign_release in important and critical products, or take sign_release out of ' +
              'its entitlement and sign under just-in-time grants.',
            standing.map((x) => x.scope),
          ),
        );
      }
      return { evaluated, failures };
    },
  },
  {
    id: 'cra-pipeline-static-secret',
    title: 'Build pipeline of a product on a static secret',
    description:
      'Build and release pipelines of products (kind pipeline, or function release_engineering) hold no long-lived static ' +
      'secret: they authenticate with short-lived workload credentials, or a key pair or certificate.',
    severity: 'high',
    controls: ['cra:art-13-1', 'cra:annex-i:2-d', 'cra:annex-i:2-f', 'owasp-nhi:NHI7', 'nist-csf:PR.AA-03'],
    accepted_by: ['static_secret'],
    run(f) {
      const ids = productIdentities(f).filter((i) => i.kind === 'pipeline' || i.function === 'release_engineering');
      const failures = ids
        .filter((i) => i.credential.type === 'static_secret')
        .map((i) =>
          failureFor(
            i,
            `Pipeline ${i.id} of ${list(productScopesOf(i).map((s) => s.product))} runs on a static secret`,
            `Created ${i.credential.created}${i.credential.last_rotated ? `, last rotated ${i.credential.last_rotated}` : ''}: ` +
              'give the pipeline short-lived workload credentials (OIDC token exchange), or document an exception.',
          ),
        );
      return { evaluated: ids.length, failures };
    },
  },
  {
    id: 'cra-supplier-without-compensating-controls',
    title: 'Supplier identity acting for a product without a documented exception and compensating controls',
    description:
      'A supplier’s identity (vendor) that may build, sign, publish or manage a product acts for it only under an approved, ' +
      'unexpired exception naming the product, with compensating controls: extra monitoring (every decision recorded with a ' +
      'monitor obligation) or manual approval of each action.',
    severity: 'high',
    controls: ['cra:art-13-1', 'cra:annex-i:2-d', 'cra:annex-i:2-l', 'owasp-nhi:NHI3', 'nist-csf:GV.SC-07', 'nist-csf:DE.CM-06'],
    run(f) {
      const p = f.products;
      if (!p) return { evaluated: 0, failures: [] };
      const ids = productIdentities(f).filter((i) => i.vendor && i.actions.some((a) => PRODUCT_EXECUTE.has(a)));
      const failures: Failure[] = [];
      for (const i of ids) {
        const uncovered: ProductScope[] = [];
        const weak: string[] = [];
        for (const s of productScopesOf(i)) {
          const e = exceptionFor(f, p, i.id, s);
          if (!e) uncovered.push(s);
          else if (!e.compensating_controls.extra_monitoring && !e.compensating_controls.manual_approval_per_action) {
            uncovered.push(s);
            weak.push(e.id);
          }
        }
        if (!uncovered.length) continue;
        failures.push(
          failureFor(
            i,
            `Supplier ${i.vendor} identity ${i.id} acts for ${list(uncovered.map(scopeKey))} without compensating controls`,
            weak.length
              ? `Exception ${list(weak)} names no compensating control: require extra monitoring or manual approval per action.`
              : 'No active exception names the product: document the need in an exception (mandate exceptions register) with ' +
                  'extra monitoring or manual approval per action, a narrow set of actions and an expiry, or reduce it to observe.',
            uncovered,
          ),
        );
      }
      return { evaluated: ids.length, failures };
    },
  },
  {
    id: 'cra-update-channel-unauthenticated',
    title: 'Update publisher not authenticated strongly, outside a known release channel, or not revocable',
    description:
      'An identity that publishes releases or security updates acts in a product scope naming a channel the product has, or ' +
      'all its channels, of a recorded product; authenticates with something other than a shared static secret; and has a ' +
      'revocation path, so a compromised publisher can be switched off.',
    severity: 'high',
    controls: ['cra:art-13-1', 'cra:annex-i:ii-7', 'cra:annex-i:ii-8', 'cra:annex-i:2-d', 'owasp-nhi:NHI1'],
    run(f) {
      const p = f.products;
      if (!p) return { evaluated: 0, failures: [] };
      const ids = productIdentities(f).filter((i) => PUBLISH.some((a) => held(i, a)));
      const failures: Failure[] = [];
      for (const i of ids) {
        const problems: string[] = [];
        const bad: ProductScope[] = [];
        for (const s of productScopesOf(i)) {
          const product = p.products.get(s.product);
          if (!product) {
            problems.push(`no product ${s.product} is recorded`);
            bad.push(s);
          } else if (s.channel !== undefined && !channelsOf(product).includes(s.channel)) {
            problems.push(`${product.id} has no channel ${s.channel} (its channels: ${channelsOf(product).join(', ')})`);
            bad.push(s);
          }
        }
        if (i.credential.type === 'static_secret') problems.push('it authenticates with a static secret');
        if (!i.revocation) problems.push('it has no revocation path (revocation connector and target)');
        if (!problems.length) continue;
        failures.push(
          failureFor(
            i,
            `Update publisher ${i.id}: ${problems.length === 1 ? problems[0] : `${problems.length} problems`}`,
            `${problems.join('; ')}. A publisher acts only in a known channel of a recorded product, proves itself with ` +
              'short-lived credentials, a key pair or a certificate, and can be revoked.',
            bad.length ? bad : undefined,
          ),
        );
      }
      return { evaluated: ids.length, failures };
    },
  },
  {
    id: 'cra-privileged-action-not-bounded',
    title: 'Product identity with execute power not attributable, time-bounded and revocable',
    description:
      'Every product identity that can execute has an owner who is still with the firm (attributable), a credential that ' +
      'expires or is short-lived (time-bounded), and a revocation path (revocable).',
    severity: 'medium',
    controls: ['cra:art-13-1', 'cra:annex-i:2-d', 'cra:annex-i:2-l', 'owasp-nhi:NHI1', 'nist-csf:PR.AA-01'],
    run(f) {
      const ids = productIdentities(f).filter((i) => i.capability === 'execute');
      const failures: Failure[] = [];
      for (const i of ids) {
        const missing: string[] = [];
        if (!i.owner) missing.push('no owner');
        else if (f.people.get(i.owner)?.status === 'departed') missing.push(`its owner ${i.owner} has left`);
        if (i.credential.type !== 'short_lived' && !i.credential.expires) missing.push(`its ${i.credential.type} never expires`);
        if (!i.revocation) missing.push('no revocation path');
        if (missing.length)
          failures.push(
            failureFor(
              i,
              `${i.id}: ${missing.join(', ')}`,
              'A privileged action must be attributable (an owner), time-bounded (an expiring or short-lived credential) and ' +
                'revocable (a revocation connector and target).',
            ),
          );
      }
      return { evaluated: ids.length, failures };
    },
  },
];
