// The offline verifier: checks an exported ledger (docs/ledger.md) with nothing but the file, the
// log's public key and, optionally, checkpoints kept elsewhere. It needs neither the server nor
// its database, and reports every problem with the first bad leaf index it can name.
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { openCheckpoint, parseVerifierKey, type Checkpoint } from './checkpoint.js';
import { EMPTY_ROOT, leafHash, nodeHash, type Hash } from './merkle.js';
import { EXPORT_FORMAT, LINE_MIDDLE, LINE_PREFIX } from './service.js';

export interface Problem {
  kind: 'format' | 'modified' | 'order' | 'truncated' | 'signature' | 'mismatch' | 'fork';
  /** 0-based leaf index of the first event concerned, where one can be named. */
  index?: number;
  line?: number;
  message: string;
}

export interface VerifyReport {
  ok: boolean;
  origin: string | null;
  size: number;
  events: number;
  checkpoints: number;
  root: string | null;
  problems: Problem[];
  firstBadIndex: number | null;
  /** The verifier key the signatures were checked against: the one given, else the file's own. */
  verifier_key: string | null;
}

/** Roots of the tree at each requested size, in one pass over the leaf hashes (a compact range). */
export function rootsAt(leaves: Buffer, count: number, sizes: readonly number[]): Map<number, Hash> {
  const want = [...new Set(sizes)].filter((s) => s >= 0 && s <= count).sort((a, b) => a - b);
  const out = new Map<number, Hash>();
  const stack: { level: number; hash: Hash }[] = [];
  const fold = (): Hash => {
    if (stack.length === 0) return EMPTY_ROOT;
    let r = stack[stack.length - 1]!.hash;
    for (let i = stack.length - 2; i >= 0; i--) r = nodeHash(stack[i]!.hash, r);
    return r;
  };
  let w = 0;
  while (w < want.length && want[w] === 0) out.set(want[w++]!, EMPTY_ROOT);
  for (let i = 0; i < count && w < want.length; i++) {
    let node = { level: 0, hash: leaves.subarray(i * 32, i * 32 + 32) as Hash };
    while (stack.length && stack[stack.length - 1]!.level === node.level) {
      const left = stack.pop()!;
      node = { level: node.level + 1, hash: nodeHash(left.hash, node.hash) };
    }
    stack.push(node);
    while (w < want.length && want[w] === i + 1) out.set(want[w++]!, fold());
  }
  return out;
}

export interface VerifyOptions {
  /** The log's verifier key; when absent, the key in the file's header is used (and said so). */
  key?: string;
  /** Signed checkpoints kept outside Mandate, as note texts (bytes are checked to be UTF-8). */
  checkpoints?: (string | Uint8Array)[];
}

export async function verifyLedgerFile(path: string, opts: VerifyOptions = {}): Promise<VerifyReport> {
  const problems: Problem[] = [];
  let header: { format?: string; origin?: string; verifier_key?: string; size?: number } | undefined;
  let leaves = Buffer.alloc(32 * 1024);
  let count = 0;
  const notes: { note: string; line: number }[] = [];
  const rotations: Rotation[] = [];
  let lineNo = 0;

  const rl = createInterface({ input: createReadStream(path, { encoding: 'utf8' }), crlfDelay: Infinity });
  for await (const line of rl) {
    lineNo++;
    if (lineNo === 1) {
      try {
        header = JSON.parse(line);
      } catch {
        problems.push({ kind: 'format', line: 1, message: 'the first line is not the ledger header' });
        break;
      }
      if (header?.format !== EXPORT_FORMAT)
        problems.push({ kind: 'format', line: 1, message: `unknown format ${String(header?.format)} (expected ${EXPORT_FORMAT})` });
      continue;
    }
    if (line.startsWith(LINE_PREFIX)) {
      const index = count;
      const listed = line.slice(LINE_PREFIX.length, LINE_PREFIX.length + 64);
      const body = line.slice(LINE_PREFIX.length + 64 + LINE_MIDDLE.length, -1);
      if (notes.length) problems.push({ kind: 'format', index, line: lineNo, message: 'an event after the checkpoints' });
      if (
        !/^[0-9a-f]{64}$/.test(listed) ||
        line.slice(LINE_PREFIX.length + 64, LINE_PREFIX.length + 64 + LINE_MIDDLE.length) !== LINE_MIDDLE ||
        !line.endsWith('}')
      ) {
        problems.push({ kind: 'format', index, line: lineNo, message: `event line ${lineNo} is malformed` });
      }
      const hash = leafHash(body);
      if ((count + 1) * 32 > leaves.length) leaves = Buffer.concat([leaves, Buffer.alloc(leaves.length)]);
      hash.copy(leaves, count * 32);
      count++;
      // The leaf format puts seq first, so it is read from the prefix: parsing a million events
      // as JSON only to read one number would dominate verification. Any other change to the
      // body shows as a hash mismatch below.
      const m = /^\{"seq":(0|[1-9][0-9]{0,15}),/.exec(body);
      if (!m) {
        problems.push({ kind: 'modified', index, line: lineNo, message: `event ${index + 1} is not a ledger leaf` });
        continue;
      }
      const seq = Number(m[1]);
      // A key rotation names the next key; it counts once a checkpoint the verifier trusts covers it.
      if (body.includes('"action":"ledger.key_rotated"')) {
        const r = rotationOf(body, index + 1, lineNo);
        if (r) rotations.push(r);
      }
      if (seq !== index + 1)
        problems.push({
          kind: 'order',
          index,
          line: lineNo,
          message: `position ${index + 1} holds event ${String(seq)}: events were deleted, inserted or reordered`,
        });
      else if (hash.toString('hex') !== listed)
        problems.push({
          kind: 'modified',
          index,
          line: lineNo,
          message: `event ${index + 1} does not match its leaf hash: it was changed`,
        });
      continue;
    }
    if (line.startsWith('{"checkpoint"')) {
      try {
        notes.push({ note: (JSON.parse(line) as { checkpoint: string }).checkpoint, line: lineNo });
      } catch {
        problems.push({ kind: 'format', line: lineNo, message: `checkpoint line ${lineNo} is malformed` });
      }
      continue;
    }
    if (line.trim()) problems.push({ kind: 'format', line: lineNo, message: `line ${lineNo} is neither an event nor a checkpoint` });
  }

  const key = opts.key?.trim() ?? header?.verifier_key;
  if (!key) problems.push({ kind: 'signature', message: 'no verifier key: pass --key' });
  const chain = keyChain(rotations, key, problems);
  if (header?.size !== undefined && count < header.size)
    problems.push({
      kind: 'truncated',
      index: count,
      message: `the header says ${header.size} events, the file holds ${count}: the log was truncated`,
    });

  // Each checkpoint is opened with the trusted key, else with a key the log's rotations name.
  const open = (note: string | Uint8Array, where: string, outside: boolean): Opened | undefined => {
    if (!key) return undefined;
    let refusal: Error | undefined;
    for (const k of [key, ...chain.map((c) => c.key).filter((c) => c !== key)]) {
      let c: Checkpoint;
      try {
        c = openCheckpoint(note, k);
      } catch (err) {
        refusal ??= err as Error;
        continue;
      }
      // The origin is the signing key's name, which a rotation may change (mandate ledger origin).
      const origin = rotations.length ? parseVerifierKey(k).name : header?.origin;
      if (origin && c.origin !== origin) {
        problems.push({ kind: 'signature', message: `${where}: origin ${c.origin} is not this log's (${origin})` });
        return undefined;
      }
      return { ...c, outside, key: k, where };
    }
    problems.push({ kind: 'signature', message: `${where}: ${refusal!.message}` });
    return undefined;
  };
  const opened = [
    ...notes.map((n) => open(n.note, `checkpoint on line ${n.line}`, false)),
    ...(opts.checkpoints ?? []).map((note, i) => open(note, `given checkpoint ${i + 1}`, true)),
  ].filter((c): c is Opened => c !== undefined);
  const roots = rootsAt(
    leaves,
    count,
    opened.map((c) => c.size),
  );
  const all = followRotations(opened, chain, key, (c) => c.size <= count && roots.get(c.size)!.equals(c.root), problems);
  if (key && header?.verifier_key && header.verifier_key !== key && !all.accepted.has(header.verifier_key))
    problems.push({ kind: 'signature', message: 'the file names another signing key than the one given' });

  // The log must reproduce every checkpoint signed from it; the first one it does not is where
  // the tampering starts (after the last one that still matches).
  let lastGood = 0;
  for (const c of [...all.checkpoints].sort((a, b) => a.size - b.size)) {
    if (c.size > count) {
      problems.push({
        kind: 'truncated',
        index: count,
        message: `a checkpoint covers ${c.size} events but the file holds ${count}: events after ${count} are missing`,
      });
      continue;
    }
    if (roots.get(c.size)!.equals(c.root)) lastGood = Math.max(lastGood, c.size);
    else if (c.outside)
      problems.push({
        kind: 'fork',
        index: lastGood,
        message:
          `the checkpoint of size ${c.size} kept outside Mandate disagrees with this log: it was rewritten or forked after that ` +
          `checkpoint was signed (first possible event ${lastGood + 1})`,
      });
    else
      problems.push({
        kind: 'mismatch',
        index: lastGood,
        message:
          `the events do not reproduce the signed checkpoint of size ${c.size}: something in events ${lastGood + 1}..${c.size} ` +
          'was changed',
      });
  }
  // Two signed checkpoints of one size with different roots: the log forked.
  const bySize = new Map<number, string>();
  for (const c of all.checkpoints) {
    const r = c.root.toString('hex');
    const seen = bySize.get(c.size);
    if (seen !== undefined && seen !== r)
      problems.push({
        kind: 'fork',
        index: c.size - 1,
        message: `two signed checkpoints of size ${c.size} have different roots: the log forked`,
      });
    bySize.set(c.size, r);
  }

  // An event that fails its own hash or position is named exactly; a checkpoint that the events do
  // not reproduce only bounds where the change starts, so it names an index only when nothing
  // more exact does.
  const exact = problems.filter((p) => p.kind !== 'mismatch' && p.kind !== 'fork');
  const indexes = (exact.some((p) => p.index !== undefined) ? exact : problems)
    .map((p) => p.index)
    .filter((i): i is number => i !== undefined);
  const size = count;
  return {
    ok: problems.length === 0,
    origin: header?.origin ?? null,
    size,
    events: count,
    checkpoints: all.checkpoints.length,
    root: count ? rootsAt(leaves, count, [count]).get(count)!.toString('hex') : null,
    problems,
    firstBadIndex: indexes.length ? Math.min(...indexes) : null,
    verifier_key: key ?? null,
  };
}

interface Rotation {
  /** The rotation event's sequence number. */
  seq: number;
  line: number;
  from: string;
  to: string;
}

/** A signed checkpoint, opened: which key signed it and where it came from. */
type Opened = Checkpoint & { outside: boolean; key: string; where: string };

/** A key of the chain and the checkpoint sizes it may sign: from its rotation in to its rotation out. */
interface ChainKey {
  key: string;
  from: number;
  until: number;
}

/** One established link of the chain: the rotation event `seq` hands over from one key to the next. */
interface Link {
  from: string;
  to: string;
  seq: number;
}

function rotationOf(body: string, seq: number, line: number): Rotation | undefined {
  try {
    const e = JSON.parse(body) as { action?: string; after?: { from?: unknown; to?: unknown } };
    if (e.action !== 'ledger.key_rotated' || typeof e.after?.from !== 'string' || typeof e.after.to !== 'string') return undefined;
    return { seq, line, from: e.after.from.trim(), to: e.after.to.trim() };
  } catch {
    return undefined;
  }
}

/**
 * The keys in the order the log's rotations name them. A rotation that does not start from the key
 * before it breaks the chain: it is reported and ignored. The trusted key, when the chain does not
 * name it, stands alone (it then opens nothing a rotated log signed with other keys).
 */
function keyChain(rotations: readonly Rotation[], trusted: string | undefined, problems: Problem[]): ChainKey[] & { links: Link[] } {
  const chain = Object.assign([] as ChainKey[], { links: [] as Link[] });
  for (const r of rotations) {
    const last = chain[chain.length - 1];
    if (!last) chain.push({ key: r.from, from: 0, until: Number.POSITIVE_INFINITY });
    else if (last.key !== r.from) {
      problems.push({
        kind: 'signature',
        index: r.seq - 1,
        line: r.line,
        message: `the key rotation in event ${r.seq} does not start from the key before it: ignored`,
      });
      continue;
    }
    chain[chain.length - 1]!.until = r.seq;
    chain.links.push({ from: r.from, to: r.to, seq: r.seq });
    chain.push({ key: r.to, from: r.seq, until: Number.POSITIVE_INFINITY });
  }
  if (trusted && !chain.some((c) => c.key === trusted)) chain.push({ key: trusted, from: 0, until: Number.POSITIVE_INFINITY });
  return chain;
}

/**
 * The chain of trust: the trusted key's checkpoints count; a rotation is established by a counted
 * checkpoint that covers it and that the events reproduce (so the event is the one signed), and
 * then both keys it names count, each for the sizes it may sign (the old key up to the rotation,
 * the new one from it). Checkpoints by a key no established rotation names, or by a key past its
 * rotation, are refused.
 */
function followRotations(
  opened: readonly Opened[],
  chain: readonly ChainKey[] & { links: readonly Link[] },
  trusted: string | undefined,
  reproduced: (c: Opened) => boolean,
  problems: Problem[],
): { checkpoints: Opened[]; accepted: Set<string> } {
  const accepted = new Set<string>(trusted ? [trusted] : []);
  const span = (k: string) => chain.find((c) => c.key === k);
  const inSpan = (c: Opened) => {
    const s = span(c.key);
    return !s || (c.size >= s.from && c.size <= s.until);
  };
  const { links } = chain;
  const established = new Set<number>();
  for (let grew = true; grew; ) {
    grew = false;
    for (const [i, l] of links.entries()) {
      if (established.has(i)) continue;
      if (!opened.some((c) => accepted.has(c.key) && inSpan(c) && c.size >= l.seq && reproduced(c))) continue;
      established.add(i);
      accepted.add(l.from);
      accepted.add(l.to);
      grew = true;
    }
  }
  const checkpoints: Opened[] = [];
  for (const c of opened) {
    if (!accepted.has(c.key))
      problems.push({
        kind: 'signature',
        message: `${c.where} is signed by ${c.key}, a key no verified key rotation names: refused`,
      });
    else if (!inSpan(c))
      problems.push({
        kind: 'signature',
        message: `${c.where} is signed by ${c.key} after its rotation (event ${span(c.key)!.until}): a retired key signs nothing later`,
      });
    else checkpoints.push(c);
  }
  return { checkpoints, accepted };
}
