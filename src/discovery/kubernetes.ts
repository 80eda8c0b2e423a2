// Kubernetes source, from an export a firm makes with its own credentials:
//   kubectl get serviceaccounts,secrets,roles,clusterroles,rolebindings,clusterrolebindings -A -o json > k8s.json
// (a `List` with `items`). Each ServiceAccount is an account (`namespace/name`); its legacy token
// Secrets (type kubernetes.io/service-account-token) are its static tokens, aged from their
// creationTimestamp (the token itself, in `data`, is never read); the rules of the Roles and
// ClusterRoles bound to it (by ServiceAccount subject, or the system:serviceaccounts groups) are
// its privileges: get, list and watch observe, every other verb (create, update, patch, delete, *,
// escalate, bind, impersonate…) execute.
//
// The file is checked whole before anything is yielded: a malformed export is refused with the path
// of its first bad field (e.g. /items/12/metadata/name).
import {
  observedAccount,
  type CredentialFact,
  type GrantEvidence,
  type ObservedAccount,
  type ObservedPrivilege,
} from '../core/discovery.js';
import { ENVIRONMENTS, type Environment } from '../core/vocabulary.js';
import {
  coversOf,
  MalformedSourceError,
  pathOption,
  sourceFailure,
  type DiscoverySource,
  type SourceConfig,
  type SourceContext,
} from './source.js';
import { iso, readExport } from './util.js';

const OBSERVE_VERBS = new Set(['get', 'list', 'watch']);
const DEFAULT_EXCLUDED = ['kube-system', 'kube-public', 'kube-node-lease'];

interface Rule {
  apiGroups?: string[];
  resources?: string[];
  nonResourceURLs?: string[];
  resourceNames?: string[];
  verbs: string[];
}
interface Item {
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    uid?: string;
    creationTimestamp?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
  };
  type?: string;
  rules?: Rule[];
  roleRef?: { kind: string; name: string };
  subjects?: { kind: string; name: string; namespace?: string }[];
}

class Bad extends Error {
  constructor(
    readonly path: string,
    message: string,
  ) {
    super(message);
  }
}

const NAMESPACED = new Set(['ServiceAccount', 'Secret', 'Role', 'RoleBinding']);
const KNOWN = new Set([...NAMESPACED, 'ClusterRole', 'ClusterRoleBinding']);

/** Checks the export's shape; throws Bad with the JSON-pointer path of the first bad field. */
export function checkKubernetesExport(doc: unknown): Item[] {
  if (!doc || typeof doc !== 'object' || Array.isArray(doc)) throw new Bad('', 'the export is not a JSON object');
  const items = (doc as { items?: unknown }).items;
  if (!Array.isArray(items)) throw new Bad('/items', 'items is not an array (export with kubectl get … -o json)');
  const str = (v: unknown, path: string, what: string) => {
    if (typeof v !== 'string' || v.length === 0 || v.length > 253) throw new Bad(path, `${what} is not a non-empty string`);
  };
  const strings = (v: unknown, path: string) => {
    if (v === undefined) return;
    if (!Array.isArray(v)) throw new Bad(path, 'not an array');
    for (const [i, s] of v.entries()) str(s, `${path}/${i}`, 'an entry');
  };
  items.forEach((it: unknown, i) => {
    const p = `/items/${i}`;
    if (!it || typeof it !== 'object') throw new Bad(p, 'an item is not an object');
    const item = it as Item;
    str(item.kind, `${p}/kind`, 'kind');
    if (!KNOWN.has(item.kind)) return;
    if (!item.metadata || typeof item.metadata !== 'object') throw new Bad(`${p}/metadata`, 'metadata is missing');
    str(item.metadata.name, `${p}/metadata/name`, 'metadata.name');
    if (NAMESPACED.has(item.kind)) str(item.metadata.namespace, `${p}/metadata/namespace`, 'metadata.namespace');
    if (item.metadata.creationTimestamp !== undefined && iso(item.metadata.creationTimestamp) === undefined)
      throw new Bad(`${p}/metadata/creationTimestamp`, 'not a date');
    if (item.kind === 'Role' || item.kind === 'ClusterRole') {
      if (item.rules === undefined || item.rules === null) return;
      if (!Array.isArray(item.rules)) throw new Bad(`${p}/rules`, 'rules is not an array');
      item.rules.forEach((r, j) => {
        if (!r || typeof r !== 'object') throw new Bad(`${p}/rules/${j}`, 'a rule is not an object');
        if (!Array.isArray(r.verbs)) throw new Bad(`${p}/rules/${j}/verbs`, 'verbs is not an array');
        strings(r.verbs, `${p}/rules/${j}/verbs`);
        strings(r.resources, `${p}/rules/${j}/resources`);
        if (r.apiGroups !== undefined && !Array.isArray(r.apiGroups)) throw new Bad(`${p}/rules/${j}/apiGroups`, 'not an array');
      });
    }
    if (item.kind === 'RoleBinding' || item.kind === 'ClusterRoleBinding') {
      if (!item.roleRef || typeof item.roleRef !== 'object') throw new Bad(`${p}/roleRef`, 'roleRef is missing');
      str(item.roleRef.kind, `${p}/roleRef/kind`, 'roleRef.kind');
      str(item.roleRef.name, `${p}/roleRef/name`, 'roleRef.name');
      if (item.subjects !== undefined && item.subjects !== null) {
        if (!Array.isArray(item.subjects)) throw new Bad(`${p}/subjects`, 'subjects is not an array');
        item.subjects.forEach((s, j) => {
          if (!s || typeof s !== 'object') throw new Bad(`${p}/subjects/${j}`, 'a subject is not an object');
          str(s.kind, `${p}/subjects/${j}/kind`, 'kind');
          str(s.name, `${p}/subjects/${j}/name`, 'name');
        });
      }
    }
  });
  return items as Item[];
}

const ruleText = (r: Rule) => {
  const what = r.nonResourceURLs?.length
    ? `urls ${r.nonResourceURLs.join(',')}`
    : `${(r.resources ?? ['*']).join(',')}${r.apiGroups?.some((g) => g) ? ` (${r.apiGroups.filter((g) => g).join(',')})` : ''}`;
  return `${r.verbs.join(',')} on ${what}${r.resourceNames?.length ? ` named ${r.resourceNames.slice(0, 3).join(',')}` : ''}`;
};

/** The accounts of a checked export. */
export function kubernetesAccounts(
  config: SourceConfig,
  items: Item[],
  options: { exclude: Set<string>; environments: Record<string, Environment> },
): ObservedAccount[] {
  const roles = new Map<string, Item>();
  for (const it of items) {
    if (it.kind === 'Role') roles.set(`Role/${it.metadata.namespace}/${it.metadata.name}`, it);
    if (it.kind === 'ClusterRole') roles.set(`ClusterRole/${it.metadata.name}`, it);
  }
  // Grants per service account (namespace/name), and per namespace-wide or cluster-wide SA group.
  const grants = new Map<string, GrantEvidence[]>();
  const give = (key: string, g: GrantEvidence[]) => {
    const l = grants.get(key) ?? [];
    for (const x of g) if (l.length < 200) l.push(x);
    grants.set(key, l);
  };
  for (const b of items) {
    if (b.kind !== 'RoleBinding' && b.kind !== 'ClusterRoleBinding') continue;
    const ns = b.metadata.namespace;
    const role = b.roleRef!.kind === 'Role' ? roles.get(`Role/${ns}/${b.roleRef!.name}`) : roles.get(`ClusterRole/${b.roleRef!.name}`);
    const where = b.kind === 'RoleBinding' ? `in ${ns}` : 'cluster-wide';
    const evidence: GrantEvidence[] = role
      ? (role.rules ?? []).map((r) => ({
          privilege: (r.verbs.every((v) => OBSERVE_VERBS.has(v)) ? 'observe' : 'execute') as Exclude<ObservedPrivilege, 'none'>,
          grant: `${b.kind} ${b.metadata.name} → ${b.roleRef!.kind} ${b.roleRef!.name} ${where}: ${ruleText(r)}`,
        }))
      : // A binding to a role the export does not hold: unknown rules, counted as execute rather than missed.
        [
          {
            privilege: 'execute',
            grant: `${b.kind} ${b.metadata.name} → ${b.roleRef!.kind} ${b.roleRef!.name} ${where}: role not in the export`,
          },
        ];
    for (const s of b.subjects ?? []) {
      if (s.kind === 'ServiceAccount') give(`${s.namespace ?? ns}/${s.name}`, evidence);
      else if (s.kind === 'Group' && s.name === 'system:serviceaccounts') give('*', evidence);
      else if (s.kind === 'Group' && s.name.startsWith('system:serviceaccounts:'))
        give(`${s.name.slice('system:serviceaccounts:'.length)}/*`, evidence);
    }
  }
  const tokens = new Map<string, CredentialFact[]>();
  for (const s of items) {
    if (s.kind !== 'Secret' || s.type !== 'kubernetes.io/service-account-token') continue;
    const sa = s.metadata.annotations?.['kubernetes.io/service-account.name'];
    if (!sa) continue;
    const key = `${s.metadata.namespace}/${sa}`;
    const created = iso(s.metadata.creationTimestamp);
    tokens.set(key, [
      ...(tokens.get(key) ?? []),
      { type: 'token', count: 1, lifetime: 'static', label: `secret ${s.metadata.name}`, ...(created ? { created } : {}) },
    ]);
  }
  const out: ObservedAccount[] = [];
  for (const sa of items) {
    if (sa.kind !== 'ServiceAccount') continue;
    const ns = sa.metadata.namespace!;
    if (options.exclude.has(ns)) continue;
    const id = `${ns}/${sa.metadata.name}`;
    const label = sa.metadata.labels?.environment ?? sa.metadata.labels?.env;
    const env =
      options.environments[ns] ?? ((ENVIRONMENTS as readonly string[]).includes(label ?? '') ? (label as Environment) : config.environment);
    const secrets = tokens.get(id) ?? [];
    out.push(
      observedAccount({
        source: config.id,
        kind: 'kubernetes',
        native_id: id,
        name: sa.metadata.name,
        type: 'service_account',
        enabled: true,
        // Anyone allowed to create its tokens (TokenRequest) or mount it in a pod can act as it.
        can_login: true,
        // Its bound tokens carry the subject `system:serviceaccount:<ns>:<name>`: the fingerprint a
        // workload credential registered in Mandate for that subject matches (src/discovery/service.ts).
        credentials: [
          ...secrets,
          {
            type: 'token',
            ...(secrets.length ? {} : { count: 0 }),
            lifetime: 'short_lived',
            label: secrets.length ? 'bound tokens (TokenRequest)' : 'bound tokens only (TokenRequest)',
            fingerprint: `workload-id:system:serviceaccount:${ns}:${sa.metadata.name}`,
          },
        ],
        grants: [...(grants.get(id) ?? []), ...(grants.get(`${ns}/*`) ?? []), ...(grants.get('*') ?? [])],
        ...(env ? { environment: env } : {}),
        ...(iso(sa.metadata.creationTimestamp) ? { attributes: { created: iso(sa.metadata.creationTimestamp)! } } : {}),
      }),
    );
  }
  return out;
}

export function createSource(config: SourceConfig, context: SourceContext): DiscoverySource {
  const file = pathOption(config, context, 'file', true);
  const maxBytes = Number(config.options?.max_bytes ?? 512 * 1024 * 1024);
  const ex = config.options?.exclude_namespaces;
  const exclude = new Set(Array.isArray(ex) ? ex.map(String) : DEFAULT_EXCLUDED);
  const envs = (config.options?.environments ?? {}) as Record<string, Environment>;
  for (const [ns, e] of Object.entries(envs)) {
    if (!(ENVIRONMENTS as readonly string[]).includes(e))
      throw new MalformedSourceError(config.id, `/options/environments/${ns}`, `source ${config.id}: ${e} is not an environment`);
  }
  return {
    id: config.id,
    kind: 'kubernetes',
    covers: coversOf(config),
    async *observe() {
      let accounts: ObservedAccount[];
      try {
        let doc: unknown;
        try {
          doc = JSON.parse(await readExport(file, maxBytes));
        } catch (err) {
          if (err instanceof SyntaxError) throw new MalformedSourceError(config.id, '', `source ${config.id}: the export is not JSON`);
          throw err;
        }
        accounts = kubernetesAccounts(config, checkKubernetesExport(doc), { exclude, environments: envs });
      } catch (err) {
        if (err instanceof Bad)
          throw new MalformedSourceError(config.id, err.path, `source ${config.id}: malformed export at ${err.path}: ${err.message}`);
        throw sourceFailure(config, 'reading the export', err, []);
      }
      for (const a of accounts) yield a;
    },
  };
}
