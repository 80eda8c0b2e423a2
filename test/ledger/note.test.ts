// The strict C2SP signed-note and checkpoint parser (src/ledger/note.ts) against the refusal
// rules and test vectors of Go's golang.org/x/mod/sumdb/note (note_test.go: TestOpen,
// TestNewVerifier), the tlog-checkpoint rules, and random mutations of a real signed checkpoint,
// on the server's parser and the console's in-browser one (the same parser, two signature checks).
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import {
  openCheckpoint as consoleOpenCheckpoint,
  parseVerifierKey as consoleParseVerifierKey,
} from '../../console/src/lib/ledger-verify.js';
import { openCheckpoint, openNote, parseVerifierKey, signCheckpoint, verifierKey } from '../../src/ledger/checkpoint.js';
import { decodeBase64, encodeBase64, MalformedNoteError, parseCheckpointText, parseNote } from '../../src/ledger/note.js';

// note_test.go's keys, text and signatures (Go's strings are UTF-8 bytes: its slices are byte slices).
const PETER_KEY = 'PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW';
const ENOCH_KEY = 'EnochRoot+af0cfe78+ATtqJ7zOtqQtYqOo0CpvDXNlMhV3HeJDpjrASKGLWdop';
const TEXT = "If you think cryptography is the answer to your problem,\nthen you don't know what your problem is.\n";
const PETER_SIG = '\u2014 PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n';
const ENOCH_SIG = '\u2014 EnochRoot rwz+eBzmZa0SO3NbfRGzPCpDckykFXSdeX+MNtCOXm2/5n2tiOHp+vAF1aGrQ5ovTG01oOTGwnWLox33WWd1RvMc+QQ=\n';
/** Go's s[:i] + insert + s[i:], on UTF-8 bytes. */
const goInsert = (s: string, i: number, insert: string) => {
  const b = Buffer.from(s, 'utf8');
  return Buffer.concat([b.subarray(0, i), Buffer.from(insert), b.subarray(i)]).toString('utf8');
};
const goPrefix = (s: string, n: number) => Buffer.from(s, 'utf8').subarray(0, n).toString('utf8');

const malformed = (f: () => unknown, why: string) => assert.throws(f, MalformedNoteError, why);

describe('signed notes: Go sumdb/note TestOpen vectors', () => {
  test('one signature verified, the other (unknown key) kept and skipped; either key opens it', () => {
    const msg = `${TEXT}\n${PETER_SIG}${ENOCH_SIG}`;
    const n = openNote(msg, PETER_KEY);
    assert.equal(n.text, TEXT);
    assert.deepEqual(
      n.signatures.map((s) => [s.name, s.keyId]),
      [
        ['PeterNeumann', 'c74f20a3'],
        ['EnochRoot', 'af0cfe78'],
      ],
    );
    assert.equal(openNote(msg, ENOCH_KEY).text, TEXT);
  });

  test('signed by neither key given: refused as not signed by it (Go: no verifiable signatures)', () => {
    const { publicKey } = generateKeyPairSync('ed25519');
    assert.throws(
      () => openNote(`${TEXT}\n${PETER_SIG}${ENOCH_SIG}`, verifierKey('PeterNeumann', publicKey)),
      /not signed by PeterNeumann/,
    );
  });

  test('more than 100 signatures are malformed, by a known key or not', () => {
    malformed(() => openNote(`${TEXT}\n${PETER_SIG.repeat(101)}`, PETER_KEY), '101 signatures');
    malformed(() => openNote(`${TEXT}\n${PETER_SIG.repeat(101)}`, ENOCH_KEY), '101 unknown signatures');
    assert.equal(openNote(`${TEXT}\n${PETER_SIG.repeat(100)}`, PETER_KEY).signatures.length, 100);
  });

  test("a known key's signature that does not verify refuses the note (not a malformed one)", () => {
    const msg = `${TEXT}\n${goInsert(PETER_SIG, 60, 'ABCD')}`;
    assert.throws(
      () => openNote(msg, PETER_KEY),
      (err: Error) => !(err instanceof MalformedNoteError) && /signature by PeterNeumann does not verify/.test(err.message),
    );
  });

  test('duplicated verified and unverified signatures, and a bad signature by an unknown key, are skipped', () => {
    const msg = `${TEXT}\n${PETER_SIG}${PETER_SIG}${ENOCH_SIG}${ENOCH_SIG}${goInsert(ENOCH_SIG, 60, 'ABCD')}`;
    assert.equal(openNote(msg, PETER_KEY).text, TEXT);
    // Go checks only the first signature by the key: a later, broken one by it is not looked at.
    assert.equal(openNote(`${TEXT}\n${PETER_SIG}${goInsert(PETER_SIG, 60, 'ABCD')}`, PETER_KEY).text, TEXT);
  });

  test("Go's malformed messages are refused as malformed", () => {
    const bad: [string, string | Uint8Array][] = [
      ['text alone', TEXT],
      ['no signature line', `${TEXT}\n`],
      ['no final newline', `${TEXT}\n${goPrefix(PETER_SIG, Buffer.byteLength(PETER_SIG) - 1)}`],
      ['a control character', `\x01${TEXT}\n${PETER_SIG}`],
      ['not UTF-8', Buffer.concat([Buffer.from([0xff]), Buffer.from(`${TEXT}\n${PETER_SIG}`)])],
      [
        'a name with a space',
        `${TEXT}\n\u2014 Bad Name x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=`,
      ],
      ['a stray line', `${TEXT}\n${PETER_SIG}Unexpected line.\n`],
    ];
    for (const [why, msg] of bad) malformed(() => openNote(msg, PETER_KEY), why);
  });

  test('more malformed signature lines, each refused where Go refuses it', () => {
    const sig = PETER_SIG.slice(2, -1).split(' ')[1]!;
    const lines: [string, string][] = [
      ['a hyphen for the em dash', `- PeterNeumann ${sig}`],
      ['no space after the dash', `\u2014PeterNeumann ${sig}`],
      ['no signature', '\u2014 PeterNeumann'],
      ['an empty signature', '\u2014 PeterNeumann '],
      ['an empty name', `\u2014  ${sig}`],
      ['a plus in the name', `\u2014 Peter+Neumann ${sig}`],
      ['a no-break space in the name', `\u2014 Peter\u00a0Neumann ${sig}`],
      ['an ideographic space in the name', `\u2014 Peter\u3000Neumann ${sig}`],
      ['two spaces before the signature', `\u2014 PeterNeumann  ${sig}`],
      ['a trailing space', `\u2014 PeterNeumann ${sig} `],
      ['unpadded base64', `\u2014 PeterNeumann ${sig.replace(/=+$/, '')}`],
      ['URL-safe base64', `\u2014 PeterNeumann ${sig.replace(/\//g, '_')}`],
      ['data after the padding', `\u2014 PeterNeumann ${sig}AAAA`],
      ['too short (4 bytes: a key id, no signature)', '\u2014 PeterNeumann x08gow=='],
      ['a blank line among the signatures', ''],
    ];
    for (const [why, line] of lines) {
      malformed(() => parseNote(`${TEXT}\n${PETER_SIG}${line}\n`), why);
      // An unknown key's line, so malformed is not "unknown key": Go refuses these before looking keys up.
      malformed(() => openNote(`${TEXT}\n${ENOCH_SIG}${line}\n`, ENOCH_KEY), `${why} (after a good signature)`);
    }
    // A carriage return before the newline is a control character.
    malformed(() => parseNote(`${TEXT}\n${PETER_SIG.slice(0, -1)}\r\n`), 'CRLF');
    // A lone surrogate in a JavaScript string is not UTF-8.
    malformed(() => parseNote(`\ud800${TEXT}\n${PETER_SIG}`), 'lone surrogate');
    // Text may hold blank lines: the last blank line separates (signed-note allows it, as Go does).
    assert.equal(parseNote(`a\n\nb\n\n${PETER_SIG}`).text, 'a\n\nb\n');
    // A name Go allows though JavaScript's \s would not: U+FEFF is not a Unicode space.
    assert.equal(parseNote(`${TEXT}\n\u2014 Peter\ufeffNeumann ${sig}\n`).signatures[0]!.name, 'Peter\ufeffNeumann');
  });

  test('base64 as Go StdEncoding reads it: padded, standard alphabet, low bits of the last byte ignored', () => {
    assert.deepEqual(decodeBase64(''), new Uint8Array());
    assert.deepEqual(decodeBase64('AQ=='), Uint8Array.of(1));
    assert.deepEqual(decodeBase64('AR=='), Uint8Array.of(1), 'non-zero pad bits, as Go (not strict) reads them');
    assert.deepEqual(decodeBase64('AQID'), Uint8Array.of(1, 2, 3));
    for (const bad of ['AQ', 'AQ=', 'A===', '====', 'AQ==AQ==', 'A=Q=', 'AQ-_', 'AQ I', 'AQ\n='])
      assert.equal(decodeBase64(bad), null, bad);
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 80 }), (bytes) => {
        const text = encodeBase64(bytes);
        assert.equal(text, Buffer.from(bytes).toString('base64'));
        assert.deepEqual(decodeBase64(text), bytes);
      }),
    );
  });
});

describe('verifier keys: Go sumdb/note TestNewVerifier vectors', () => {
  test('the key parses; every proper substring and every byte incremented is refused, on the server and in the console', async () => {
    assert.equal(parseVerifierKey(PETER_KEY).name, 'PeterNeumann');
    assert.equal((await consoleParseVerifierKey(PETER_KEY)).keyId, 'c74f20a3');
    const b = Buffer.from(PETER_KEY);
    const bad: string[] = [
      'PeterNeumann+cc469956+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TWBADKEY==', // wrong length key, with adjusted key hash
      'PeterNeumann+173116ae+ZRpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW', // unknown algorithm, with adjusted key hash
    ];
    for (let i = 0; i <= b.length; i++)
      for (let j = i + 1; j <= b.length; j++) if (i !== 0 || j !== b.length) bad.push(b.toString('utf8', i, j));
    for (let i = 0; i < b.length; i++) {
      const c = Buffer.from(b);
      c[i]! += 1;
      bad.push(c.toString('utf8'));
    }
    for (const k of bad) {
      assert.throws(() => parseVerifierKey(k), Error, k);
      await assert.rejects(consoleParseVerifierKey(k), Error, k);
    }
  });
});

describe('checkpoints: the tlog-checkpoint text', () => {
  const root = Buffer.alloc(32, 7).toString('base64');
  test('origin, size, root and non-empty extension lines; anything else is refused', () => {
    assert.deepEqual(parseCheckpointText(`example.com/log\n0\n${root}\n`).size, 0);
    assert.deepEqual(parseCheckpointText(`example.com/log\n42\n${root}\next one\next two\n`).extensions, ['ext one', 'ext two']);
    const bad: [string, string][] = [
      ['two lines', `example.com/log\n42\n`],
      ['an empty origin', `\n42\n${root}\n`],
      ['a leading zero', `example.com/log\n042\n${root}\n`],
      ['a sign', `example.com/log\n+42\n${root}\n`],
      ['a negative size', `example.com/log\n-1\n${root}\n`],
      ['a size past 2^53', `example.com/log\n9007199254740993\n${root}\n`],
      ['a short root', `example.com/log\n42\n${Buffer.alloc(31).toString('base64')}\n`],
      ['a root not base64', `example.com/log\n42\n${root.replace('=', '')}\n`],
      ['an empty extension line', `example.com/log\n42\n${root}\n\next\n`],
      ['no final newline', `example.com/log\n42\n${root}`],
    ];
    for (const [why, text] of bad) assert.throws(() => parseCheckpointText(text), Error, why);
  });
});

describe('random mutations of a signed checkpoint', () => {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  const NAME = 'mandate.test/ledger';
  const vkey = verifierKey(NAME, publicKey);
  const cp = { origin: NAME, size: 123456, root: Buffer.alloc(32, 0xab) };
  const note = signCheckpoint(cp, NAME, privateKey, publicKey);
  const SIG_LINE = note.slice(note.lastIndexOf('\u2014'), -1);
  /** Go's unicode.IsSpace (Latin-1 spaces and the White_Space property): not JavaScript's \s, which has U+FEFF. */
  const GO_SPACE = /[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]/u;
  /**
   * What Go's note.Open accepts of this note once changed, written independently of the parser: the
   * same text, then well-formed signature lines of which the first by the given key is this
   * signature (the 2 bits of the character before its "=" may change: Go ignores them), and a final
   * newline.
   */
  const saysTheSame = (m: string) => {
    const split = m.lastIndexOf('\n\n');
    if (split < 0 || m.slice(0, split + 1) !== note.slice(0, note.lastIndexOf('\n\n') + 1) || !m.endsWith('\n')) return false;
    // Go refuses a note with an ASCII control character other than newline anywhere.
    for (let i = 0; i < m.length; i++) {
      const c = m.charCodeAt(i);
      if ((c < 0x20 && c !== 0x0a) || c === 0x7f) return false;
    }
    const lines = m.slice(split + 2, -1).split('\n');
    // Every line "— name base64": the name valid UTF-8 without spaces (unicode.IsSpace) or "+", the
    // base64 standard and padded (Go ignores the unused low bits), at least a 4-byte key hash and a byte.
    const parse = (l: string) => {
      const p = /^\u2014 ([^ ]+) ([A-Za-z0-9+/]*)(={0,2})$/u.exec(l);
      if (!p || p[1]!.includes('+') || GO_SPACE.test(p[1]!) || (p[2]!.length + p[3]!.length) % 4 !== 0) return undefined;
      const bytes = Buffer.from(p[2]! + p[3]!, 'base64');
      return bytes.length >= 5 ? { key: `${p[1]} ${bytes.subarray(0, 4).toString('hex')}`, bytes } : undefined;
    };
    const parsed = lines.map(parse);
    if (parsed.some((p) => p === undefined)) return false;
    // Signatures by keys it was not given (another name or key hash) Go keeps unverified and skips;
    // of those by the given key, the first is the one checked: it must be this signature.
    const ours = parse(SIG_LINE)!;
    const first = parsed.find((p) => p!.key === ours.key);
    return first !== undefined && first.bytes.equals(ours.bytes);
  };
  const opened = (m: string) => {
    try {
      return openCheckpoint(m, vkey);
    } catch (err) {
      assert.ok(err instanceof Error, String(err));
      return undefined;
    }
  };

  test('the note as signed opens, on the server and in the console', async () => {
    assert.deepEqual(openCheckpoint(note, vkey), cp);
    assert.equal((await consoleOpenCheckpoint(note, vkey)).size, cp.size);
  });

  test('a mutation is refused exactly when Go refuses it: unless the note it leaves says what the original says', async () => {
    const chars = fc.constantFrom(
      '\n',
      '\u2014',
      ' ',
      '=',
      '+',
      '/',
      'A',
      'a',
      '0',
      '1',
      '\r',
      '\t',
      '\u0000',
      '\u00a0',
      '\ufeff',
      'é',
      '-',
    );
    const edit = fc.oneof(
      fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), text: fc.string({ unit: chars, minLength: 1, maxLength: 3 }) }),
      fc.record({ kind: fc.constant('delete' as const), at: fc.nat(), n: fc.integer({ min: 1, max: 3 }) }),
      fc.record({ kind: fc.constant('replace' as const), at: fc.nat(), text: chars }),
      fc.record({ kind: fc.constant('line' as const), at: fc.nat(), op: fc.constantFrom('duplicate', 'drop', 'swap', 'blank', 'stray') }),
      fc.record({ kind: fc.constant('append' as const), at: fc.constant(0), text: fc.string({ unit: chars, minLength: 1, maxLength: 4 }) }),
    );
    type Edit = typeof edit extends fc.Arbitrary<infer T> ? T : never;
    const apply = (s: string, e: Edit): string => {
      const at = e.at % (s.length + 1);
      if (e.kind === 'insert') return s.slice(0, at) + e.text + s.slice(at);
      if (e.kind === 'delete') return s.slice(0, at) + s.slice(at + e.n);
      if (e.kind === 'replace') return s.slice(0, at) + e.text + s.slice(at + 1);
      if (e.kind === 'append') return s + e.text;
      const lines = s.split('\n');
      const i = e.at % lines.length;
      if (e.op === 'duplicate') lines.splice(i, 0, lines[i]!);
      else if (e.op === 'drop') lines.splice(i, 1);
      else if (e.op === 'blank') lines.splice(i, 0, '');
      else if (e.op === 'stray') lines.splice(i, 0, 'x');
      else if (i + 1 < lines.length) [lines[i], lines[i + 1]] = [lines[i + 1]!, lines[i]!];
      return lines.join('\n');
    };
    await fc.assert(
      fc.asyncProperty(fc.array(edit, { minLength: 1, maxLength: 3 }), async (edits) => {
        const m = edits.reduce((s, e) => apply(s, e), note);
        const server = opened(m);
        const inBrowser = await consoleOpenCheckpoint(m, vkey).then(
          (c) => c,
          () => undefined,
        );
        assert.equal(Boolean(inBrowser), Boolean(server), `server and console disagree on ${JSON.stringify(m)}`);
        assert.equal(Boolean(server), saysTheSame(m), `${server ? 'accepted' : 'refused'} ${JSON.stringify(m)}`);
        if (server) assert.deepEqual(server, cp);
      }),
      { numRuns: 2000 },
    );
  });

  test('what Go accepts of a changed note is only what says the same: a repeated signature line, ignored low base64 bits', () => {
    const sigLine = note.slice(note.lastIndexOf('\u2014'));
    assert.deepEqual(openCheckpoint(`${note}${sigLine}`, vkey), cp);
    // 68 bytes end in one "=": the character before it carries 2 bits Go ignores.
    const at = note.length - 3;
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
    const twin = note.slice(0, at) + alphabet[alphabet.indexOf(note[at]!) ^ 1] + note.slice(at + 1);
    assert.notEqual(twin, note);
    assert.deepEqual(openCheckpoint(twin, vkey), cp);
    assert.ok(saysTheSame(twin) && saysTheSame(`${note}${sigLine}`));
    // A copy under another key name (a byte-order mark is not a space to Go) is a key it was not
    // given: kept unverified, skipped (a counterexample fast-check found for an earlier oracle).
    const stranger = `${note}${sigLine.replace('\u2014 m', '\u2014 \ufeff')}`;
    assert.deepEqual(openCheckpoint(stranger, vkey), cp);
    assert.ok(saysTheSame(stranger));
    // A copy by the given key after the first is not checked; a bad first one refuses the note.
    const flipped = (l: string, i: number) => l.slice(0, i) + (l[i] === 'A' ? 'B' : 'A') + l.slice(i + 1);
    const bad = flipped(sigLine, sigLine.lastIndexOf(' ') + 20);
    assert.deepEqual(openCheckpoint(`${note}${bad}`, vkey), cp);
    assert.throws(() => openCheckpoint(note.replace(sigLine, bad) + sigLine, vkey));
    assert.ok(saysTheSame(`${note}${bad}`) && !saysTheSame(note.replace(sigLine, bad) + sigLine));
  });
});
