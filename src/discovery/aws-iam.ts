// AWS IAM source, from the exports a firm makes with its own credentials:
//   aws iam get-account-authorization-details --output json > authz.json
//   aws iam generate-credential-report && aws iam get-credential-report --output json > report.json
// (the report's Content is base64 CSV; the decoded CSV, or that JSON, are both read).
//
// Users and roles are accounts (native id: the ARN). Their privileges are the Allow statements of
// their inline policies, attached managed policies (the default version in Policies) and, for
// users, their groups' policies: an action matching Get*, List* or Describe* is observe, any other
// (including `*`, `service:*` and NotAction) execute. The credential report gives each user's
// access keys (active, last rotated, last used), console password (enabled, last used: a person
// logging in) and signing certificates; roles hold only short-lived STS credentials.
//
// A 50,000-principal export is tens of megabytes: it is streamed (stream-json), each principal
// checked and reduced to what is needed as it arrives. Nothing is yielded until the whole export
// has been read and checked: a malformed one is refused with the path of its first bad field
// (e.g. /UserDetailList/12/UserName), a truncated one (IsTruncated) as incomplete.
import { createReadStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { parse as parseCsv } from 'csv-parse/sync';
import chain from 'stream-chain';
import { parser } from 'stream-json';
import { pick } from 'stream-json/filters/pick.js';
import { streamValues } from 'stream-json/streamers/stream-values.js';
import {
  observedAccount,
  type CredentialFact,
  type GrantEvidence,
  type ObservedAccount,
  type ObservedPrivilege,
  type SessionEvidence,
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
import { iso } from './util.js';

const LISTS = new Set(['UserDetailList', 'GroupDetailList', 'RoleDetailList', 'Policies']);
/** Evidence lines kept per policy and per principal while reading (the account keeps LIMITS.grants). */
const KEEP = 25;

class Bad extends Error {
  constructor(
    readonly path: string,
    message: string,
  ) {
    super(message);
  }
}

interface PolicySummary {
  level: ObservedPrivilege;
  grants: GrantEvidence[];
}
interface Principal {
  type: 'iam_user' | 'iam_role';
  arn: string;
  name: string;
  created?: string;
  inline: PolicySummary;
  managed: string[];
  groups: string[];
  env?: Environment;
  lastUsed?: string;
  trusted?: string;
  assumable: boolean;
}

/** observe for Get*, List*, Describe*; execute for everything else, wildcards included. */
export function actionLevel(action: string): Exclude<ObservedPrivilege, 'none'> {
  const i = action.indexOf(':');
  if (i < 0) return 'execute';
  return /^(Get|List|Describe)/i.test(action.slice(i + 1)) ? 'observe' : 'execute';
}

/**
 * A copy of a string that holds nothing else alive. Token strings from the parser can be slices of
 * the megabyte chunk they were read from; kept as they are, 50,000 principals would keep the
 * whole file in memory.
 */
const own = (s: string): string => ` ${s}`.slice(1);

const asArray = <T>(v: T | T[] | undefined): T[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

/** The Allow statements of a policy document as evidence, with the document's level. */
export function summarisePolicy(doc: unknown, label: string, path: string): PolicySummary {
  let d = doc;
  if (typeof d === 'string') {
    // The raw API URL-encodes documents; the CLI decodes them.
    try {
      d = JSON.parse(decodeURIComponent(d));
    } catch {
      throw new Bad(path, 'the policy document is not JSON');
    }
  }
  if (!d || typeof d !== 'object' || Array.isArray(d)) throw new Bad(path, 'the policy document is not an object');
  const statements = asArray((d as { Statement?: unknown }).Statement);
  const out: PolicySummary = { level: 'none', grants: [] };
  statements.forEach((s, i) => {
    if (!s || typeof s !== 'object')
      throw new Bad(
        `${path}/Statement${Array.isArray((d as { Statement?: unknown }).Statement) ? `/${i}` : ''}`,
        'a statement is not an object',
      );
    const st = s as { Effect?: unknown; Action?: unknown; NotAction?: unknown; Resource?: unknown };
    if (String(st.Effect).toLowerCase() !== 'allow') return;
    const resources = asArray(st.Resource as string | string[]).map(String);
    const on = resources.length ? ` on ${resources.slice(0, 2).join(',')}${resources.length > 2 ? ',…' : ''}` : '';
    if (st.NotAction !== undefined) {
      out.level = 'execute';
      if (out.grants.length < KEEP)
        out.grants.push({
          privilege: 'execute',
          grant: own(
            `${label}: all actions except ${asArray(st.NotAction as string[])
              .slice(0, 3)
              .join(',')}${on}`,
          ),
        });
      return;
    }
    const actions = asArray(st.Action as string | string[]);
    if (actions.some((a) => typeof a !== 'string'))
      throw new Bad(
        `${path}/Statement${Array.isArray((d as { Statement?: unknown }).Statement) ? `/${i}` : ''}/Action`,
        'an action is not a string',
      );
    const level = actions.some((a) => actionLevel(a) === 'execute') ? 'execute' : actions.length ? 'observe' : 'none';
    if (level === 'none') return;
    if (level === 'execute') out.level = 'execute';
    else if (out.level === 'none') out.level = 'observe';
    if (out.grants.length < KEEP)
      out.grants.push({ privilege: level, grant: own(`${label}: ${actions.slice(0, 4).join(',')}${actions.length > 4 ? ',…' : ''}${on}`) });
  });
  return out;
}

function merge(into: PolicySummary, from: PolicySummary, prefix = ''): void {
  if (from.level === 'execute' || (from.level === 'observe' && into.level === 'none')) into.level = from.level;
  for (const g of from.grants)
    if (into.grants.length < KEEP) into.grants.push(prefix ? { privilege: g.privilege, grant: `${prefix}${g.grant}` } : g);
}

const str = (v: unknown, path: string, what: string): string => {
  if (typeof v !== 'string' || v.length === 0 || v.length > 2048) throw new Bad(path, `${what} is not a non-empty string`);
  return v;
};
const list = (v: unknown, path: string): unknown[] => {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) throw new Bad(path, 'not an array');
  return v;
};
const date = (v: unknown, path: string): string | undefined => {
  if (v === undefined || v === null) return undefined;
  const d = typeof v === 'string' ? iso(v) : undefined;
  if (!d) throw new Bad(path, 'not a date');
  return d;
};

function inlinePolicies(v: unknown, path: string): PolicySummary {
  const out: PolicySummary = { level: 'none', grants: [] };
  list(v, path).forEach((p, i) => {
    const at = `${path}/${i}`;
    if (!p || typeof p !== 'object') throw new Bad(at, 'not an object');
    const name = str((p as { PolicyName?: unknown }).PolicyName, `${at}/PolicyName`, 'PolicyName');
    merge(out, summarisePolicy((p as { PolicyDocument?: unknown }).PolicyDocument, `inline ${name}`, `${at}/PolicyDocument`));
  });
  return out;
}

function attached(v: unknown, path: string): string[] {
  return list(v, path).map((p, i) => {
    if (!p || typeof p !== 'object') throw new Bad(`${path}/${i}`, 'not an object');
    return own(str((p as { PolicyArn?: unknown }).PolicyArn, `${path}/${i}/PolicyArn`, 'PolicyArn'));
  });
}

function envFromTags(v: unknown, path: string): Environment | undefined {
  for (const [i, t] of list(v, path).entries()) {
    if (!t || typeof t !== 'object') throw new Bad(`${path}/${i}`, 'not an object');
    const { Key, Value } = t as { Key?: unknown; Value?: unknown };
    if (
      typeof Key === 'string' &&
      /^(env|environment)$/i.test(Key) &&
      typeof Value === 'string' &&
      (ENVIRONMENTS as readonly string[]).includes(Value.toLowerCase())
    )
      return Value.toLowerCase() as Environment;
  }
  return undefined;
}

function trustSummary(doc: unknown): { assumable: boolean; trusted: string } {
  let d = doc;
  if (typeof d === 'string') {
    try {
      d = JSON.parse(decodeURIComponent(d));
    } catch {
      return { assumable: true, trusted: 'unreadable trust policy' };
    }
  }
  const who: string[] = [];
  let assumable = false;
  for (const s of asArray((d as { Statement?: unknown } | null)?.Statement as unknown[])) {
    const st = s as { Effect?: string; Principal?: unknown };
    if (String(st?.Effect).toLowerCase() !== 'allow') continue;
    assumable = true;
    const p = st.Principal;
    if (typeof p === 'string') who.push(p);
    else if (p && typeof p === 'object')
      for (const [k, v] of Object.entries(p)) for (const x of asArray(v as string[])) who.push(`${k}:${x}`);
  }
  return { assumable, trusted: who.slice(0, 5).join(', ') + (who.length > 5 ? ', …' : '') };
}

/** Streams the authorization details, checking and reducing each element as it comes. */
export async function readAuthorizationDetails(file: string): Promise<{
  principals: Principal[];
  groups: Map<string, { inline: PolicySummary; managed: string[] }>;
  policies: Map<string, PolicySummary & { name: string }>;
}> {
  const principals: Principal[] = [];
  const groups = new Map<string, { inline: PolicySummary; managed: string[] }>();
  const policies = new Map<string, PolicySummary & { name: string }>();
  const labels: [string, number][] = [];
  let bad: Bad | null = null;
  let lists = 0;
  let truncated = false;
  const filter = (stack: readonly unknown[], chunk: { name: string }): boolean => {
    if (stack.length === 1 && typeof stack[0] === 'string') {
      if (LISTS.has(stack[0])) {
        lists++;
        if (chunk.name !== 'startArray') bad ??= new Bad(`/${stack[0]}`, 'not an array');
        return false;
      }
      if (stack[0] === 'IsTruncated') {
        labels.push(['IsTruncated', 0]);
        return true;
      }
      return false;
    }
    if (stack.length === 2 && typeof stack[1] === 'number' && typeof stack[0] === 'string' && LISTS.has(stack[0])) {
      labels.push([stack[0], stack[1]]);
      return true;
    }
    return false;
  };
  const pipeline = chain([
    // 64 KB reads: one read's parsed values are consumed before the next; 256 KB ones pile up to ~300 MB RSS.
    createReadStream(file, { highWaterMark: 64 * 1024 }),
    parser({ streamValues: false }),
    pick({ filter }),
    streamValues(),
  ]);
  try {
    for await (const item of pipeline as AsyncIterable<{ value: unknown }>) {
      const [listName, index] = labels.shift()!;
      if (bad) continue;
      const v = item.value as Record<string, unknown>;
      const at = `/${listName}/${index}`;
      try {
        if (listName === 'IsTruncated') {
          truncated = (v as unknown) === true;
          continue;
        }
        if (!v || typeof v !== 'object' || Array.isArray(v)) throw new Bad(at, 'not an object');
        if (listName === 'UserDetailList' || listName === 'RoleDetailList') {
          const user = listName === 'UserDetailList';
          const name = str(v[user ? 'UserName' : 'RoleName'], `${at}/${user ? 'UserName' : 'RoleName'}`, user ? 'UserName' : 'RoleName');
          const arn = str(v.Arn, `${at}/Arn`, 'Arn');
          if (!arn.startsWith('arn:')) throw new Bad(`${at}/Arn`, 'not an ARN');
          const created = date(v.CreateDate, `${at}/CreateDate`);
          const inline = inlinePolicies(
            v[user ? 'UserPolicyList' : 'RolePolicyList'],
            `${at}/${user ? 'UserPolicyList' : 'RolePolicyList'}`,
          );
          const managed = attached(v.AttachedManagedPolicies, `${at}/AttachedManagedPolicies`);
          const env = envFromTags(v.Tags, `${at}/Tags`);
          const p: Principal = {
            type: user ? 'iam_user' : 'iam_role',
            arn: own(arn),
            name: own(name),
            inline,
            managed,
            groups: [],
            assumable: user,
            ...(created ? { created } : {}),
            ...(env ? { env } : {}),
          };
          if (user) p.groups = list_strings(v.GroupList, `${at}/GroupList`);
          else {
            const t = trustSummary(v.AssumeRolePolicyDocument);
            p.assumable = t.assumable;
            if (t.trusted) p.trusted = own(t.trusted);
            const lu = v.RoleLastUsed as { LastUsedDate?: unknown } | undefined;
            const last = lu && typeof lu === 'object' ? date(lu.LastUsedDate, `${at}/RoleLastUsed/LastUsedDate`) : undefined;
            if (last) p.lastUsed = last;
            if (typeof v.Path === 'string' && v.Path.startsWith('/aws-service-role/'))
              p.trusted = `service-linked${p.trusted ? `: ${p.trusted}` : ''}`;
          }
          principals.push(p);
        } else if (listName === 'GroupDetailList') {
          const name = str(v.GroupName, `${at}/GroupName`, 'GroupName');
          groups.set(own(name), {
            inline: inlinePolicies(v.GroupPolicyList, `${at}/GroupPolicyList`),
            managed: attached(v.AttachedManagedPolicies, `${at}/AttachedManagedPolicies`),
          });
        } else {
          const arn = str(v.Arn, `${at}/Arn`, 'Arn');
          const name = str(v.PolicyName, `${at}/PolicyName`, 'PolicyName');
          const versions = list(v.PolicyVersionList, `${at}/PolicyVersionList`);
          const def = versions.findIndex(
            (x) =>
              (x as { IsDefaultVersion?: unknown })?.IsDefaultVersion === true ||
              (x as { VersionId?: unknown })?.VersionId === v.DefaultVersionId,
          );
          if (def < 0) throw new Bad(`${at}/PolicyVersionList`, 'no default version');
          const summary = summarisePolicy(
            (versions[def] as { Document?: unknown }).Document,
            `policy ${name}`,
            `${at}/PolicyVersionList/${def}/Document`,
          );
          policies.set(own(arn), { name: own(name), ...summary });
        }
      } catch (err) {
        if (err instanceof Bad) bad = err;
        else throw err;
      }
    }
  } catch (err) {
    if (err instanceof Bad) throw err;
    throw new Bad('', `the export is not valid JSON: ${(err as Error).message}`);
  }
  if (bad) throw bad;
  if (!lists)
    throw new Bad(
      '/UserDetailList',
      'neither UserDetailList nor RoleDetailList is there (export with aws iam get-account-authorization-details)',
    );
  if (truncated) throw new Bad('/IsTruncated', 'the export is truncated: export every page (the CLI does unless --max-items is given)');
  return { principals, groups, policies };
}

function list_strings(v: unknown, path: string): string[] {
  return list(v, path).map((s, i) => own(str(s, `${path}/${i}`, 'an entry')));
}

interface ReportRow {
  arn: string;
  password_enabled: boolean;
  password_last_used?: string;
  password_last_changed?: string;
  keys: CredentialFact[];
  certs: CredentialFact[];
}

/** The credential report: raw CSV, bare base64, or the CLI's JSON with a base64 Content. */
export async function readCredentialReport(file: string): Promise<Map<string, ReportRow>> {
  let text = (await readFile(file, 'utf8')).trim();
  if (text.startsWith('{')) {
    let content: unknown;
    try {
      content = (JSON.parse(text) as { Content?: unknown }).Content;
    } catch {
      throw new Bad('/credential_report', "the report is neither CSV nor the CLI's JSON");
    }
    if (typeof content !== 'string') throw new Bad('/credential_report/Content', 'Content is not a string');
    text = Buffer.from(content, 'base64').toString('utf8');
  } else if (!text.startsWith('user,')) text = Buffer.from(text, 'base64').toString('utf8');
  if (!text.startsWith('user,')) throw new Bad('/credential_report', 'the report does not start with the header user,arn,…');
  let rows: Record<string, string>[];
  try {
    rows = parseCsv(text, { columns: true, skip_empty_lines: true, trim: true }) as Record<string, string>[];
  } catch (err) {
    throw new Bad('/credential_report', `the report is not CSV: ${(err as Error).message}`);
  }
  const out = new Map<string, ReportRow>();
  const when = (r: Record<string, string>, col: string, i: number) => {
    const v = r[col];
    if (v === undefined) return undefined;
    if (/^(N\/A|not_supported|no_information|)$/.test(v)) return undefined;
    const d = iso(v);
    if (!d) throw new Bad(`/credential_report/${i}/${col}`, 'not a date');
    return d;
  };
  const bool = (r: Record<string, string>, col: string, i: number) => {
    const v = r[col];
    if (v === undefined || v === 'not_supported' || v === 'N/A') return false;
    if (v !== 'true' && v !== 'false') throw new Bad(`/credential_report/${i}/${col}`, 'not true or false');
    return v === 'true';
  };
  rows.forEach((r, i) => {
    const arn = r.arn;
    if (!arn?.startsWith('arn:')) throw new Bad(`/credential_report/${i}/arn`, 'not an ARN');
    const keys: CredentialFact[] = [];
    for (const k of [1, 2]) {
      const active = bool(r, `access_key_${k}_active`, i);
      const rotated = when(r, `access_key_${k}_last_rotated`, i);
      if (!active && !rotated) continue;
      const used = when(r, `access_key_${k}_last_used_date`, i);
      keys.push({
        type: 'key',
        count: 1,
        lifetime: 'static',
        label: `access_key_${k}`,
        active,
        ...(rotated ? { created: rotated, last_rotated: rotated } : {}),
        ...(used ? { last_used: used } : {}),
      });
    }
    const certs: CredentialFact[] = [];
    for (const k of [1, 2]) {
      const active = bool(r, `cert_${k}_active`, i);
      const rotated = when(r, `cert_${k}_last_rotated`, i);
      if (active || rotated)
        certs.push({
          type: 'certificate',
          count: 1,
          lifetime: 'static',
          label: `cert_${k}`,
          active,
          ...(rotated ? { last_rotated: rotated } : {}),
        });
    }
    const pwUsed = when(r, 'password_last_used', i);
    const pwChanged = when(r, 'password_last_changed', i);
    out.set(arn, {
      arn,
      password_enabled: bool(r, 'password_enabled', i),
      ...(pwUsed ? { password_last_used: pwUsed } : {}),
      ...(pwChanged ? { password_last_changed: pwChanged } : {}),
      keys,
      certs,
    });
  });
  return out;
}

/** A managed policy the export does not hold (an AWS managed one exported with a filter): judged by its name. */
function unknownPolicy(arn: string): PolicySummary {
  const name = arn.slice(arn.lastIndexOf('/') + 1);
  const level = /ReadOnly|ViewOnly|SecurityAudit/i.test(name) ? 'observe' : 'execute';
  return { level, grants: [{ privilege: level, grant: `policy ${name} (not in the export; judged by its name)` }] };
}

export function createSource(config: SourceConfig, context: SourceContext): DiscoverySource {
  const authz = pathOption(config, context, 'authorization_details', true);
  const report = pathOption(config, context, 'credential_report');
  const includeServiceLinked = config.options?.include_service_linked === true;
  return {
    id: config.id,
    kind: 'aws_iam',
    covers: coversOf(config),
    async *observe() {
      let accounts: ObservedAccount[];
      try {
        const { principals, groups, policies } = await readAuthorizationDetails(authz);
        const rows = report ? await readCredentialReport(report) : null;
        accounts = [];
        for (const p of principals) {
          if (!includeServiceLinked && p.trusted?.startsWith('service-linked')) continue;
          const all: PolicySummary = { level: 'none', grants: [] };
          merge(all, p.inline);
          for (const arn of p.managed) merge(all, policies.get(arn) ?? unknownPolicy(arn));
          for (const g of p.groups) {
            const grp = groups.get(g);
            if (!grp) continue;
            merge(all, grp.inline, `group ${g}: `);
            for (const arn of grp.managed) merge(all, policies.get(arn) ?? unknownPolicy(arn), `group ${g}: `);
          }
          let credentials: CredentialFact[];
          let canLogin: boolean;
          const sessions: SessionEvidence[] = [];
          if (p.type === 'iam_role') {
            credentials = [{ type: 'token', lifetime: 'short_lived', label: 'STS (assumed role)' }];
            canLogin = p.assumable;
          } else if (rows) {
            const r = rows.get(p.arn);
            credentials = r ? [...r.keys, ...r.certs] : [];
            if (r?.password_enabled) {
              credentials.push({
                type: 'password',
                count: 1,
                lifetime: 'static',
                label: 'console password',
                ...(r.password_last_changed ? { last_rotated: r.password_last_changed } : {}),
                ...(r.password_last_used ? { last_used: r.password_last_used } : {}),
              });
              // A console sign-in is a person at a browser.
              if (r.password_last_used)
                sessions.push({ user: p.name, application: 'AWS console login', started: r.password_last_used, interactive: true });
            }
            canLogin = !!r && (r.password_enabled || r.keys.some((k) => k.active) || r.certs.some((c) => c.active));
            if (!credentials.length) credentials = [{ type: 'none', count: 0 }];
          } else {
            // Without the report, a user's credentials are unknown: assume it can log in.
            credentials = [];
            canLogin = true;
          }
          accounts.push(
            observedAccount({
              source: config.id,
              kind: 'aws_iam',
              native_id: p.arn,
              name: p.name,
              type: p.type,
              enabled: true,
              can_login: canLogin,
              credentials,
              privilege: all.level,
              grants: all.grants,
              sessions,
              ...(p.lastUsed ? { last_used: p.lastUsed } : {}),
              ...((p.env ?? config.environment) ? { environment: (p.env ?? config.environment)! } : {}),
              attributes: {
                ...(p.created ? { created: p.created } : {}),
                ...(p.trusted ? { trusted: p.trusted } : {}),
                ...(p.groups.length ? { groups: p.groups.slice(0, 20).join(',') } : {}),
              },
            }),
          );
        }
      } catch (err) {
        if (err instanceof Bad)
          throw new MalformedSourceError(
            config.id,
            err.path,
            `source ${config.id}: malformed export at ${err.path || '/'}: ${err.message}`,
          );
        throw sourceFailure(config, 'reading the export', err, []);
      }
      for (const a of accounts) yield a;
    },
  };
}
