// Evidence packs: one signed bundle for one legal entity and member state, as of one time, that a
// supervisor or auditor checks offline. Layout (docs/evidence.md):
//
//   manifest.json            format, entity, member state, times, and every file's SHA-256
//   manifest.sig             Ed25519 signature of manifest.json by the ledger's key
//   oscal/assessment-results.json   NIST OSCAL 1.1.3 assessment results
//   report.html              the human-readable report (prints to PDF)
//   data/evidence.json       everything the report says, as data
//   ledger/events.jsonl      every cited event, with its leaf hash (the ledger export's line format)
//   ledger/checkpoint.txt    a signed checkpoint covering every cited event
//   ledger/proofs.json       each cited event's inclusion proof in that checkpoint
//   ledger/key.txt           the ledger's verifier key
//
// The pack is built in memory and written whole (to a temporary file, then renamed), so a
// failure leaves no partial pack.
import { createHash } from 'node:crypto';
import { createGzip } from 'node:zlib';
import { pack as tarPack } from 'tar-stream';
import type { ComplianceService } from '../compliance/service.js';
import { loadCatalogue } from '../state/catalogue.js';
import { CHECKS } from '../core/checks.js';
import { MandateError } from '../core/errors.js';
import type { CheckResult, EmergencyReview, EvidenceData, EvidenceEvent, Finding } from '../core/evidence.js';
import { scopeKey } from '../core/lifecycle.js';
import type { Scope } from '../core/model.js';
import { MEMBER_STATES } from '../core/vocabulary.js';
import { assessmentResults } from './oscal.js';
import { gatherProduct } from './product-pack.js';
import { renderReport } from './report.js';
import { stateAt } from '../ledger/asof.js';
import { leafText, type LeafFields } from '../ledger/leaf.js';
import type { LedgerService } from '../ledger/service.js';
import { rotationRecords } from '../ledger/rotations.js';
import { LINE_MIDDLE, LINE_PREFIX } from '../ledger/service.js';
import { getRecord } from '../state/records.js';
import { placeholders, type Database } from '../store/db.js';

export const PACK_FORMAT = 'mandate-evidence-pack/1';

/** An entity in a member state, or one product (CRA; then neither entity nor jurisdiction). */
export interface PackRequest {
  entity?: string;
  jurisdiction?: string;
  product?: string;
  asOf?: string;
}

export interface BuiltPack {
  /** The .tar.gz bytes. */
  bytes: Buffer;
  manifest: PackManifest;
  data: EvidenceData;
}

export interface PackManifest {
  format: typeof PACK_FORMAT;
  entity: string;
  jurisdiction: string;
  /** A product pack's product (its jurisdiction lists the member states where it is made available). */
  product?: string;
  as_of: string;
  generated_at: string;
  ledger: { origin: string; size: number; root: string };
  files: { path: string; sha256: string; bytes: number }[];
}

const sha256 = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');

/** A tar.gz of these files, in this order, with fixed times (the same files give the same bytes). */
async function tarGz(files: readonly { path: string; content: Buffer }[], mtime: Date): Promise<Buffer> {
  const p = tarPack();
  // Level 6: a few per cent larger than 9, three times faster on a big pack.
  const gz = createGzip({ level: 6 });
  const chunks: Buffer[] = [];
  const done = new Promise<Buffer>((resolve, reject) => {
    gz.on('data', (c: Buffer) => chunks.push(c));
    gz.on('end', () => resolve(Buffer.concat(chunks)));
    gz.on('error', reject);
  });
  p.pipe(gz);
  for (const f of files) p.entry({ name: f.path, size: f.content.length, mtime, mode: 0o644 }, f.content);
  p.finalize();
  return done;
}

export interface EvidencePackDeps {
  db: Database;
  clock: () => Date;
  ledger: Pick<LedgerService, 'checkpoint' | 'inclusions' | 'logKey'>;
  compliance: Pick<ComplianceService, 'findings' | 'readiness' | 'trend'>;
}

export function evidencePackService({ db, clock, ledger, compliance }: EvidencePackDeps) {
  async function gather(req: PackRequest): Promise<{ data: EvidenceData; cited: number[] }> {
    if (req.product !== undefined) {
      if (req.entity !== undefined || req.jurisdiction !== undefined)
        throw new MandateError(
          'VALIDATION_FAILED',
          'a product pack takes no entity or jurisdiction: it covers the product wherever it is made available',
          { field: req.entity !== undefined ? '/entity' : '/jurisdiction' },
        );
      return gatherProduct(
        { db, ledger, compliance, emergencyReviews },
        { product: req.product, ...(req.asOf ? { asOf: req.asOf } : {}) },
        clock().toISOString(),
      );
    }
    if (req.entity === undefined)
      throw new MandateError('VALIDATION_FAILED', 'give an entity and a jurisdiction, or a product', { field: '/entity' });
    if (req.jurisdiction === undefined)
      throw new MandateError('VALIDATION_FAILED', 'give a jurisdiction (a member state) with the entity', { field: '/jurisdiction' });
    if (!(MEMBER_STATES as readonly string[]).includes(req.jurisdiction))
      throw new MandateError('VALIDATION_FAILED', `${req.jurisdiction} is not an EU/EEA member state (ISO 3166-1 alpha-2, e.g. IT)`, {
        field: '/jurisdiction',
      });
    const entity = await getRecord(db, 'entity', req.entity);
    if (!entity) throw new MandateError('NOT_FOUND', `no legal entity ${req.entity}`, { field: '/entity' });
    const generatedAt = clock().toISOString();
    const state = await stateAt(db, req.asOf ?? generatedAt, '/as_of');
    const asOf = req.asOf ? state.at : generatedAt;
    const inScope = (s: Scope) => 'entity' in s && s.entity === req.entity && s.jurisdiction === req.jurisdiction;
    const cited = new Set<number>();

    // The inventory then: identities acting for this entity in this member state.
    const identities = [...state.identities.values()].filter(({ identity: i }) => i.scopes.some(inScope));
    for (const i of identities) {
      cited.add(i.record_seq);
      cited.add(i.status_seq);
    }
    const count = (key: (i: (typeof identities)[number]['identity']) => string) => {
      const out: Record<string, number> = {};
      for (const { identity: i } of identities) out[key(i)] = (out[key(i)] ?? 0) + 1;
      return out;
    };

    // Authorisations for the entity in the member state, with their history up to as-of.
    const auths = [...state.authorisations.values()].filter(({ authorisation: a }) => inScope(a));
    const authorisations: EvidenceData['authorisations'] = [];
    for (const { authorisation: a, seq } of auths) {
      cited.add(seq);
      const history = (
        await db.all<{
          seq: number;
          at: string;
          actor: string;
          action: string;
          subject_type: string;
          subject_id: string;
          reason: string | null;
        }>(
          'SELECT seq, at, actor, action, subject_type, subject_id, reason FROM events WHERE subject_id = ? AND subject_type = ? AND ' +
            'seq <= ? ORDER BY seq',
          [a.id, 'authorisation', state.maxSeq],
        )
      ).map(
        (e): EvidenceEvent => ({
          seq: Number(e.seq),
          at: e.at,
          actor: e.actor,
          action: e.action,
          subject: { type: e.subject_type, id: e.subject_id },
          reason: e.reason,
        }),
      );
      for (const e of history) cited.add(e.seq);
      authorisations.push({ id: a.id, service: a.service, status: a.status, basis: a.basis, reference: a.reference, history });
    }
    if (auths.length === 0 && identities.length === 0)
      throw new MandateError(
        'NOT_FOUND',
        `entity ${req.entity} neither holds an authorisation nor has an identity in ${req.jurisdiction}${req.asOf ? ` as of ${asOf}` : ''}`,
        { field: '/jurisdiction' },
      );

    // Control results and findings: from the check run at or before as-of.
    const readiness = await compliance.readiness({ entity: req.entity, jurisdiction: req.jurisdiction, ...(req.asOf ? { asOf } : {}) });
    const [runRow] = readiness.run ? await db.all<{ doc: string }>('SELECT doc FROM check_runs WHERE id = ?', [readiness.run.id]) : [];
    const checks: CheckResult[] = runRow
      ? (JSON.parse(runRow.doc) as { checks: CheckResult[] }).checks
      : CHECKS.map((c) => ({
          check: c.id,
          title: c.title,
          description: c.description,
          severity: c.severity,
          controls: c.controls,
          evaluated: 0,
          failed: 0,
        }));
    const [runEvent] = readiness.run
      ? await db.all<{ seq: number }>("SELECT seq FROM events WHERE subject_id = ? AND action = 'checks.ran'", [readiness.run.id])
      : [];
    if (runEvent) cited.add(Number(runEvent.seq));
    const scopeKeys = new Set(auths.map(({ authorisation: a }) => scopeKey(a)));
    for (const { identity: i } of identities) for (const s of i.scopes) if (inScope(s)) scopeKeys.add(scopeKey(s));
    const findings: Finding[] = (
      await compliance.findings({ status: ['open', 'acknowledged', 'accepted_risk', 'resolved'], limit: 1_000_000 })
    )
      .filter(
        (f) =>
          f.first_seen <= asOf &&
          (!f.resolved_at || f.resolved_at > asOf) &&
          (f.scopes.length === 0 || f.scopes.some((k) => scopeKeys.has(k))),
      )
      .map(({ acknowledged_by: _a, occurrences: _o, ...f }) => {
        // The events a finding about an identity rests on: the identity's record and status then.
        const then = f.subject.type === 'identity' ? state.identities.get(f.subject.id) : undefined;
        return {
          ...f,
          status: f.resolved_at && f.resolved_at > asOf ? 'open' : f.status,
          evidence: then ? [...new Set([then.record_seq, then.status_seq])] : [],
        };
      });
    for (const f of findings) for (const seq of f.evidence) cited.add(seq);

    // Approvals and exceptions about these identities or authorisations, decided by as-of.
    // (Transitions name only authorisations, so they are matched by those; the rest by subject.)
    const subjects = [...identities.map((i) => i.identity.id), ...auths.map((a) => a.authorisation.id)];
    const authIds = auths.map((a) => a.authorisation.id);
    const transitionIds = authIds.length
      ? (
          await db.all<{ id: string }>(
            `SELECT id FROM transitions WHERE ${authIds.map(() => 'authorisations LIKE ?').join(' OR ')}`,
            authIds.map((c) => `%"${c}"%`),
          )
        ).map((r) => r.id)
      : [];
    // Break-glass requests name the activation: matched through the identities unsealed.
    const activationIds: string[] = [];
    const identityIds = identities.map((i) => i.identity.id);
    for (let i = 0; i < identityIds.length; i += 500) {
      const chunk = identityIds.slice(i, i + 500);
      for (const r of await db.all<{ id: string }>(
        `SELECT id FROM break_glass_activations WHERE identity_id IN (${placeholders(chunk.length)})`,
        chunk,
      ))
        activationIds.push(r.id);
    }
    const approvalRows: { id: string; kind: string; status: string; requester: string; decided_at: string | null; summary: string }[] = [];
    const about = [...subjects, ...transitionIds, ...activationIds];
    for (let i = 0; i < about.length; i += 500) {
      const chunk = about.slice(i, i + 500);
      approvalRows.push(
        ...(await db.all<(typeof approvalRows)[number]>(
          'SELECT id, kind, status, requester, decided_at, summary FROM approvals WHERE created_at <= ? AND subject_id IN (' +
            `${placeholders(chunk.length)})`,
          [asOf, ...chunk],
        )),
      );
    }
    const votesOf = new Map<string, string[]>();
    for (let i = 0; i < approvalRows.length; i += 500) {
      const chunk = approvalRows.slice(i, i + 500).map((r) => r.id);
      for (const v of await db.all<{ approval_id: string; voter: string }>(
        "SELECT approval_id, voter FROM approval_votes WHERE decision = 'approve' AND at <= ? AND approval_id IN (" +
          `${placeholders(chunk.length)}) ORDER BY at`,
        [asOf, ...chunk],
      ))
        (votesOf.get(v.approval_id) ?? votesOf.set(v.approval_id, []).get(v.approval_id)!).push(v.voter);
    }
    const emergencies = await emergencyReviews(
      db,
      approvalRows.filter((r) => r.status === 'approved' && r.decided_at && r.decided_at <= asOf && !votesOf.has(r.id)).map((r) => r.id),
      asOf,
    );
    const approvals: EvidenceData['approvals'] = approvalRows.map((r) => ({
      id: r.id,
      kind: r.kind,
      status: r.decided_at && r.decided_at > asOf ? 'pending' : r.status,
      requester: r.requester,
      approvers: votesOf.get(r.id) ?? [],
      decided_at: r.decided_at && r.decided_at <= asOf ? r.decided_at : null,
      summary: r.summary,
      ...(emergencies.has(r.id) ? { emergency: emergencies.get(r.id)! } : {}),
    }));
    const ids = new Set(identities.map((i) => i.identity.id));
    const exceptions = (
      await db.all<{ id: string; identity_id: string; doc: string; status: string; expires_at: string; created_at: string }>(
        'SELECT id, identity_id, doc, status, expires_at, created_at FROM policy_exceptions WHERE created_at <= ?',
        [asOf],
      )
    )
      .filter((e) => ids.has(e.identity_id))
      .map((e) => {
        const d = JSON.parse(e.doc) as { control: string; justification: string };
        return {
          id: e.id,
          identity: e.identity_id,
          control: d.control,
          status: e.status,
          expires_at: e.expires_at,
          justification: d.justification,
        };
      });
    const [policy] = await db.all<{ version: number; digest: string; doc: string }>(
      'SELECT version, digest, doc FROM cedar_policies WHERE created_at <= ? ORDER BY version DESC LIMIT 1',
      [asOf],
    );
    const [policyEvent] = policy
      ? await db.all<{ seq: number }>("SELECT seq FROM events WHERE action = 'policies.published' AND subject_id = ?", [
          String(policy.version),
        ])
      : [];
    if (policyEvent) cited.add(Number(policyEvent.seq));

    // A checkpoint covering every cited event.
    const checkpoint = await ledger.checkpoint();
    const key = await ledger.logKey();
    const catalogue = loadCatalogue();
    const data: EvidenceData = {
      generated_at: generatedAt,
      as_of: asOf,
      entity: { id: entity.record.id, name: entity.record.name, lei: entity.record.lei, home: entity.record.home },
      jurisdiction: req.jurisdiction,
      catalogue: { version: catalogue.version, controls: catalogue.controls.filter((c) => checks.some((r) => r.controls.includes(c.id))) },
      checks,
      findings,
      readiness: readiness.items,
      trend: (await compliance.trend(req.entity, req.jurisdiction)).filter((t) => t.at <= asOf),
      inventory: {
        total: identities.length,
        by_kind: count((i) => i.kind),
        by_capability: count((i) => i.capability),
        by_credential: count((i) => i.credential.type),
        identities: identities
          .map(({ identity: i }) => ({
            id: i.id,
            kind: i.kind,
            function: i.function,
            capability: i.capability,
            owner: i.owner ?? null,
            status: i.status,
            credential: i.credential.type,
            scopes: i.scopes.filter(inScope).map(scopeKey),
            vendor: i.vendor ?? null,
            break_glass: Boolean(i.break_glass),
          }))
          .sort((a, b) => (a.id < b.id ? -1 : 1)),
      },
      authorisations,
      approvals: approvals.sort((a, b) => (a.id < b.id ? -1 : 1)),
      exceptions,
      policies: policy
        ? { version: Number(policy.version), digest: policy.digest, ids: (JSON.parse(policy.doc) as { id: string }[]).map((p) => p.id) }
        : { version: 0, digest: '', ids: [] },
      ledger: { origin: key.name, size: checkpoint.size, root: checkpoint.root, checkpoint: checkpoint.note, cited: cited.size },
    };
    return { data, cited: [...cited].filter((s) => s <= checkpoint.size).sort((a, b) => a - b) };
  }

  return {
    /** Builds the signed pack in memory. Throws (and writes nothing) on any bad input. */
    async build(req: PackRequest): Promise<BuiltPack> {
      const { data, cited } = await gather(req);
      const key = await ledger.logKey();
      const lines: string[] = [];
      const proofs: unknown[] = [];
      for (let i = 0; i < cited.length; i += 2000) {
        const chunk = cited.slice(i, i + 2000);
        const rows = await db.all<LeafFields & { leaf_hash: string }>(
          'SELECT seq, at, actor, action, subject_type, subject_id, before_doc, after_doc, reason, leaf_hash FROM events WHERE seq IN (' +
            `${placeholders(chunk.length)}) ORDER BY seq`,
          chunk,
        );
        for (const r of rows) lines.push(`${LINE_PREFIX}${r.leaf_hash}${LINE_MIDDLE}${leafText({ ...r, seq: Number(r.seq) })}}`);
        proofs.push(...(await ledger.inclusions(chunk, data.ledger.size)));
      }
      const files: { path: string; content: Buffer }[] = [
        // Compact JSON: a big firm's OSCAL document is half the size without indentation.
        { path: 'oscal/assessment-results.json', content: Buffer.from(`${JSON.stringify(assessmentResults(data))}\n`) },
        { path: 'report.html', content: Buffer.from(renderReport(data)) },
        { path: 'data/evidence.json', content: Buffer.from(`${JSON.stringify(data)}\n`) },
        { path: 'ledger/events.jsonl', content: Buffer.from(lines.length ? `${lines.join('\n')}\n` : '') },
        { path: 'ledger/checkpoint.txt', content: Buffer.from(data.ledger.checkpoint) },
        {
          path: 'ledger/proofs.json',
          content: Buffer.from(`${JSON.stringify({ tree_size: data.ledger.size, root: data.ledger.root, proofs })}\n`),
        },
        { path: 'ledger/key.txt', content: Buffer.from(`${key.verifierKey}\n`) },
      ];
      // The key rotations, so a verifier that trusts an older key follows them to this one (src/keys/rotation.ts).
      const rotations = await rotationRecords(db, data.ledger.size, async (seq, size) => (await ledger.inclusions([seq], size))[0]!);
      if (rotations.length)
        files.push({ path: 'ledger/rotations.jsonl', content: Buffer.from(rotations.map((r) => `${JSON.stringify(r)}\n`).join('')) });
      const manifest: PackManifest = {
        format: PACK_FORMAT,
        entity: data.entity.id,
        jurisdiction: data.jurisdiction,
        ...(data.product ? { product: data.product.id } : {}),
        as_of: data.as_of,
        generated_at: data.generated_at,
        ledger: { origin: data.ledger.origin, size: data.ledger.size, root: data.ledger.root },
        files: files.map((f) => ({ path: f.path, sha256: sha256(f.content), bytes: f.content.length })),
      };
      const manifestBytes = Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`);
      const signature = (await key.signer.sign(manifestBytes)).toString('base64');
      const bytes = await tarGz(
        [{ path: 'manifest.json', content: manifestBytes }, { path: 'manifest.sig', content: Buffer.from(`${signature}\n`) }, ...files],
        new Date(data.generated_at),
      );
      return { bytes, manifest, data };
    },
  };
}
export type EvidencePackService = ReturnType<typeof evidencePackService>;

/**
 * The requests among these (approved with no vote by as-of) that were decided on an emergency path,
 * with their post-incident review as it stood at as-of: the ledger's `approval.bypassed` event says
 * which were, and the review event (`break_glass.reviewed`, `transition.reviewed`) who closed it.
 */
async function emergencyReviews(db: Database, ids: string[], asOf: string): Promise<Map<string, EmergencyReview>> {
  const out = new Map<string, EmergencyReview>();
  for (let i = 0; i < ids.length; i += 500) {
    const chunk = ids.slice(i, i + 500);
    const bypassed = await db.all<{ subject_id: string }>(
      `SELECT subject_id FROM events WHERE action = 'approval.bypassed' AND at <= ? AND subject_id IN (${placeholders(chunk.length)})`,
      [asOf, ...chunk],
    );
    for (const { subject_id } of bypassed) {
      const [a] = await db.all<{ subject_type: string; subject_id: string }>(
        'SELECT subject_type, subject_id FROM approvals WHERE id = ?',
        [subject_id],
      );
      const [review] = a
        ? await db.all<{ actor: string; at: string }>(
            "SELECT actor, at FROM events WHERE action IN ('break_glass.reviewed', 'transition.reviewed') AND subject_type = ? " +
              'AND subject_id = ? AND at <= ? ORDER BY seq LIMIT 1',
            [a.subject_type, a.subject_id, asOf],
          )
        : [];
      out.set(subject_id, review ? { review: 'done', reviewed_by: review.actor, reviewed_at: review.at } : { review: 'pending' });
    }
  }
  return out;
}
