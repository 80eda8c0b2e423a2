// The offline verifier: checks an exported ledger (docs/ledger.md) with nothing but the file, the
// log's public key and, optionally, checkpoints kept elsewhere. It needs neither the server nor
// its database, and reports every problem with the first bad leaf index it can name.
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { openCheckpoint, type Checkpoint } from './checkpoint.js';
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

  const key = opts.key ?? header?.verifier_key;
  if (!key) problems.push({ kind: 'signature', message: 'no verifier key: pass --key' });
  else if (opts.key && header?.verifier_key && header.verifier_key !== opts.key)
    problems.push({ kind: 'signature', message: 'the file names another signing key than the one given' });
  if (header?.size !== undefined && count < header.size)
    problems.push({
      kind: 'truncated',
      index: count,
      message: `the header says ${header.size} events, the file holds ${count}: the log was truncated`,
    });

  const open = (note: string | Uint8Array, where: string): Checkpoint | undefined => {
    if (!key) return undefined;
    try {
      const c = openCheckpoint(note, key);
      if (header?.origin && c.origin !== header.origin) throw new Error(`origin ${c.origin} is not this log's (${header.origin})`);
      return c;
    } catch (err) {
      problems.push({ kind: 'signature', message: `${where}: ${(err as Error).message}` });
      return undefined;
    }
  };
  const inLog = notes.map((n) => ({ ...n, c: open(n.note, `checkpoint on line ${n.line}`) }));
  const outside = (opts.checkpoints ?? []).map((note, i) => ({ note, c: open(note, `given checkpoint ${i + 1}`) }));
  type Signed = Checkpoint & { outside: boolean };
  const all: Signed[] = [
    ...inLog.flatMap((x) => (x.c ? [{ ...x.c, outside: false }] : [])),
    ...outside.flatMap((x) => (x.c ? [{ ...x.c, outside: true }] : [])),
  ];
  const roots = rootsAt(
    leaves,
    count,
    all.map((c) => c.size),
  );

  // The log must reproduce every checkpoint signed from it; the first one it does not is where
  // the tampering starts (after the last one that still matches).
  let lastGood = 0;
  for (const c of [...all].sort((a, b) => a.size - b.size)) {
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
  for (const c of all) {
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
    checkpoints: all.length,
    root: count ? rootsAt(leaves, count, [count]).get(count)!.toString('hex') : null,
    problems,
    firstBadIndex: indexes.length ? Math.min(...indexes) : null,
    verifier_key: key ?? null,
  };
}
