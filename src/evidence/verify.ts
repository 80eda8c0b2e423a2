// Offline verification of an evidence pack, with nothing but the file and (ideally) the ledger's
// verifier key obtained independently: the manifest's signature, every file's hash, the signed
// checkpoint, every cited event's leaf hash and its inclusion proof in that checkpoint, and the
// OSCAL document against NIST's schema. Every problem is reported, not only the first.
import { createHash, type KeyObject, verify } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { createGunzip } from 'node:zlib';
import { Readable } from 'node:stream';
import { Ajv } from 'ajv';
import addFormatsImport from 'ajv-formats';
import { extract as tarExtract } from 'tar-stream';
import { openCheckpoint, parseVerifierKey } from '../ledger/checkpoint.js';
import { leafHash, verifyInclusion } from '../ledger/merkle.js';
import type { RotationRecord } from '../keys/rotation.js';
import { LINE_MIDDLE, LINE_PREFIX } from '../ledger/service.js';
import { PACK_FORMAT, type PackManifest } from './pack.js';

export interface PackReport {
  ok: boolean;
  entity: string | null;
  jurisdiction: string | null;
  /** A product pack's product; null for an entity's pack. */
  product: string | null;
  as_of: string | null;
  files: number;
  events: number;
  /** Where the key came from: given by the verifier, or read from the pack (then only self-consistent). */
  key: 'given' | 'from the pack';
  /** The verifier key the signatures were checked against (the given one, else the pack's). */
  verifier_key: string | null;
  oscal: 'valid' | 'invalid' | 'schema not found';
  problems: string[];
}

const OSCAL_SCHEMA = new URL('../../schemas/oscal/oscal_assessment-results_schema-1.1.3.json', import.meta.url);

async function untar(bytes: Buffer): Promise<Map<string, Buffer>> {
  const files = new Map<string, Buffer>();
  const ex = tarExtract();
  ex.on('entry', (header, stream, next) => {
    const chunks: Buffer[] = [];
    stream.on('data', (c: unknown) => chunks.push(c as Buffer));
    stream.on('end', () => {
      files.set(header.name, Buffer.concat(chunks));
      next();
    });
    stream.resume();
  });
  await new Promise<void>((resolve, reject) => {
    ex.on('finish', resolve);
    ex.on('error', reject);
    const gunzip = createGunzip();
    gunzip.on('error', reject);
    Readable.from([bytes]).pipe(gunzip).pipe(ex);
  });
  return files;
}

export async function verifyPack(bytes: Buffer, opts: { key?: string } = {}): Promise<PackReport> {
  const problems: string[] = [];
  const report: PackReport = {
    ok: false,
    entity: null,
    jurisdiction: null,
    product: null,
    as_of: null,
    files: 0,
    events: 0,
    key: opts.key ? 'given' : 'from the pack',
    verifier_key: opts.key?.trim() ?? null,
    oscal: 'schema not found',
    problems,
  };
  let files: Map<string, Buffer>;
  try {
    files = await untar(bytes);
  } catch (err) {
    problems.push(`not a readable .tar.gz: ${(err as Error).message}`);
    return report;
  }
  const manifestBytes = files.get('manifest.json');
  if (!manifestBytes) {
    problems.push('manifest.json is missing');
    return report;
  }
  let manifest: PackManifest;
  try {
    manifest = JSON.parse(manifestBytes.toString('utf8')) as PackManifest;
  } catch {
    problems.push('manifest.json is not JSON');
    return report;
  }
  if (manifest.format !== PACK_FORMAT) problems.push(`unknown format ${String(manifest.format)} (expected ${PACK_FORMAT})`);
  Object.assign(report, {
    entity: manifest.entity,
    jurisdiction: manifest.jurisdiction,
    product: typeof manifest.product === 'string' ? manifest.product : null,
    as_of: manifest.as_of,
    files: manifest.files?.length ?? 0,
  });

  // The key: the verifier's own copy if given; the pack's must then be the same.
  const packKey = files.get('ledger/key.txt')?.toString('utf8').trim();
  let vkey = opts.key?.trim() ?? packKey;
  report.verifier_key = vkey ?? null;
  if (!vkey) {
    problems.push('no verifier key: give --key, or the pack must hold ledger/key.txt');
    return report;
  }
  // A key given that the ledger has since rotated away from: follow the pack's rotation records.
  if (opts.key && packKey && packKey !== vkey) {
    const followed = followRotations(files.get('ledger/rotations.jsonl'), vkey, problems);
    if (followed === packKey) vkey = packKey;
    else problems.push('the pack names a different ledger key than the one given, and no rotation from it leads there');
  }
  let publicKey: KeyObject;
  try {
    publicKey = parseVerifierKey(vkey).key;
  } catch (err) {
    problems.push(`the verifier key is not valid: ${(err as Error).message}`);
    return report;
  }
  const sig = files.get('manifest.sig')?.toString('utf8').trim();
  if (!sig || !verify(null, manifestBytes, publicKey, Buffer.from(sig, 'base64')))
    problems.push('the manifest signature does not verify: the pack was changed or signed by another key');

  // Every file listed, and its hash; nothing unlisted.
  const listed = new Set(['manifest.json', 'manifest.sig']);
  for (const f of manifest.files ?? []) {
    listed.add(f.path);
    const content = files.get(f.path);
    if (!content) problems.push(`${f.path} is listed but missing`);
    else if (createHash('sha256').update(content).digest('hex') !== f.sha256)
      problems.push(`${f.path} was modified (its SHA-256 does not match the manifest)`);
  }
  for (const name of files.keys()) if (!listed.has(name)) problems.push(`${name} is not in the manifest`);

  // The checkpoint, then each cited event and its inclusion proof.
  let root: Buffer | undefined;
  let size = 0;
  try {
    const cp = openCheckpoint(files.get('ledger/checkpoint.txt') ?? '', vkey);
    root = cp.root;
    size = cp.size;
    if (manifest.ledger && (manifest.ledger.size !== size || manifest.ledger.root !== root.toString('hex')))
      problems.push('the manifest and the checkpoint disagree on the ledger size or root');
  } catch (err) {
    problems.push(`ledger/checkpoint.txt: ${(err as Error).message}`);
  }
  const proofs = new Map<number, { leaf_hash: string; proof: string[]; tree_size: number }>();
  try {
    for (const p of (
      JSON.parse(files.get('ledger/proofs.json')?.toString('utf8') ?? '{}') as {
        proofs?: { seq: number; leaf_hash: string; proof: string[]; tree_size: number }[];
      }
    ).proofs ?? [])
      proofs.set(p.seq, p);
  } catch {
    problems.push('ledger/proofs.json is not JSON');
  }
  const lines = (files.get('ledger/events.jsonl')?.toString('utf8') ?? '').split('\n').filter(Boolean);
  for (const [n, line] of lines.entries()) {
    if (!line.startsWith(LINE_PREFIX) || line.indexOf(LINE_MIDDLE) !== LINE_PREFIX.length + 64 || !line.endsWith('}')) {
      problems.push(`ledger/events.jsonl line ${n + 1} is not an event line`);
      continue;
    }
    const hash = line.slice(LINE_PREFIX.length, LINE_PREFIX.length + 64);
    const text = line.slice(LINE_PREFIX.length + 64 + LINE_MIDDLE.length, -1);
    if (leafHash(text).toString('hex') !== hash) {
      problems.push(`ledger/events.jsonl line ${n + 1}: the event does not match its leaf hash`);
      continue;
    }
    let seq: number;
    try {
      seq = Number((JSON.parse(text) as { seq: number }).seq);
    } catch {
      problems.push(`ledger/events.jsonl line ${n + 1}: the event is not JSON`);
      continue;
    }
    const p = proofs.get(seq);
    if (!p || !root) {
      problems.push(`event ${seq} has no inclusion proof`);
      continue;
    }
    if (
      p.leaf_hash !== hash ||
      p.tree_size !== size ||
      !verifyInclusion(
        Buffer.from(hash, 'hex'),
        seq - 1,
        size,
        p.proof.map((h) => Buffer.from(h, 'hex')),
        root,
      )
    )
      problems.push(`event ${seq} is not in the ledger the checkpoint signs`);
    report.events++;
  }

  // OSCAL against NIST's schema (public domain; kept in the repository beside this code).
  const oscal = files.get('oscal/assessment-results.json');
  if (!oscal) problems.push('oscal/assessment-results.json is missing');
  else if (existsSync(OSCAL_SCHEMA)) {
    const ajv = new Ajv({ allErrors: true, strict: false });
    (addFormatsImport as unknown as (a: Ajv) => Ajv)(ajv);
    const validate = ajv.compile(JSON.parse(readFileSync(OSCAL_SCHEMA, 'utf8')) as object);
    let doc: unknown;
    try {
      doc = JSON.parse(oscal.toString('utf8'));
    } catch {
      doc = undefined;
    }
    report.oscal = doc !== undefined && validate(doc) ? 'valid' : 'invalid';
    if (report.oscal === 'invalid') problems.push(`the OSCAL document does not validate: ${ajv.errorsText(validate.errors).slice(0, 500)}`);
  }
  report.ok = problems.length === 0;
  return report;
}

/**
 * Follows the ledger's key rotations from a trusted key: each record's checkpoint must be signed by
 * the key trusted so far and include the rotation event, which must start from that key; its new
 * key is then trusted. Records that start from another key are skipped. Answers the last key reached.
 */
function followRotations(bytes: Buffer | undefined, trusted: string, problems: string[]): string {
  let current = trusted;
  for (const [n, line] of (bytes?.toString('utf8') ?? '').split('\n').filter(Boolean).entries()) {
    const where = `ledger/rotations.jsonl line ${n + 1}`;
    try {
      const r = JSON.parse(line) as RotationRecord;
      const e = JSON.parse(r.leaf) as { seq: number; action: string; after?: { from?: string; to?: string } };
      if (e.action !== 'ledger.key_rotated' || typeof e.after?.to !== 'string') throw new Error('not a ledger key rotation');
      if (e.after.from !== current) continue;
      const cp = openCheckpoint(r.checkpoint, current);
      const hash = leafHash(r.leaf);
      if (hash.toString('hex') !== r.leaf_hash) throw new Error('the event does not match its leaf hash');
      const proof = r.proof.map((h) => Buffer.from(h, 'hex'));
      if (!verifyInclusion(hash, e.seq - 1, cp.size, proof, cp.root)) throw new Error("the event is not in the old key's checkpoint");
      current = e.after.to;
    } catch (err) {
      problems.push(`${where}: ${(err as Error).message}`);
      return current;
    }
  }
  return current;
}

export const verifyPackFile = (path: string, opts: { key?: string } = {}) => verifyPack(readFileSync(path), opts);
