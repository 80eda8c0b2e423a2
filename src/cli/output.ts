// Where the CLI writes: the process's streams, or a test's buffers. Results go to stdout; notes
// (how many more records there are, progress) go to stderr so pipes and --json stay clean.

export interface CliIo {
  out(s: string): void;
  err(s: string): void;
}

export const processIo: CliIo = { out: (s) => process.stdout.write(s), err: (s) => process.stderr.write(s) };
let current: CliIo = processIo;

export function setIo(io: CliIo): void {
  current = io;
}
export function io(): CliIo {
  return current;
}
export const print = (s: string): void => current.out(`${s}\n`);
/** A note for people on stderr: never part of the output a script reads. */
export const note = (s: string): void => current.err(`${s}\n`);

/**
 * Progress on stderr for long operations, only when the CLI writes to the process's own stderr
 * and that is a terminal: nothing in pipes, files, CI logs or tests.
 */
export interface Progress {
  update(done: number, total?: number): void;
  /** Replaces the line with a message (say, what happens after the bytes). */
  say(text: string): void;
  end(): void;
}
const NO_PROGRESS: Progress = { update: () => {}, say: () => {}, end: () => {} };

export function showsProgress(): boolean {
  return current === processIo && Boolean(process.stderr.isTTY);
}

export function progress(label: string, total?: number): Progress {
  if (!showsProgress()) return NO_PROGRESS;
  let last = 0;
  let shown = false;
  const mb = (n: number) => `${(n / 1_048_576).toFixed(1)} MB`;
  const draw = (done: number) => {
    const pct = total ? ` (${Math.floor((done / total) * 100)}%)` : '';
    process.stderr.write(`\r\x1b[2K${label}: ${mb(done)}${total ? ` of ${mb(total)}` : ''}${pct}`);
    shown = true;
  };
  return {
    update(done, size) {
      if (size !== undefined) total = size;
      const now = Date.now();
      if (now - last < 100 && done !== total) return;
      last = now;
      draw(done);
    },
    say(text) {
      process.stderr.write(`\r\x1b[2K${label}: ${text}`);
      shown = true;
    },
    end() {
      if (shown) process.stderr.write('\r\x1b[2K');
    },
  };
}

/**
 * `mandate … | head`: when the reader closes the pipe, the next write fails with EPIPE. Like
 * standard tools, stop there quietly (exit 0) instead of dying on an unhandled error with a stack
 * trace. Any other error on the stream stays an error. Not for `mandate serve` (see commandOf):
 * a server whose stdout goes away still has work to do.
 */
export function exitQuietlyOnClosedPipe(streams: NodeJS.WritableStream[] = [process.stdout, process.stderr]): void {
  for (const stream of streams)
    stream.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'EPIPE') process.exit(0);
      throw err;
    });
}

/** The command a command line runs (its first word past the global options), e.g. "serve". */
export function commandOf(argv: readonly string[]): string | undefined {
  const args = argv.slice(2);
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--') return args[i + 1];
    if (a === '--url' || a === '--token' || a === '--profile') i++;
    else if (!a.startsWith('-')) return a;
  }
  return undefined;
}
