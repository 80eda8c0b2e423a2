// Parses and validates a Cedar policy set with cedar-wasm in a child process (see cedar-worker.ts
// for why), answering each policy's id and JSON form, from which the hot path compiles closures.
import { fork } from 'node:child_process';
import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseCedarJson, type PolicyJson } from '@mandate/sdk/cedar';

export type CheckResult = { ok: true; policies: { id: string; est: PolicyJson }[] } | { ok: false; errors: string[] };

const WORKER = fileURLToPath(new URL(`./cedar-worker${extname(fileURLToPath(import.meta.url))}`, import.meta.url));

export async function checkCedar(text: string, schema: Record<string, unknown>, timeoutMs = 20_000): Promise<CheckResult> {
  const r = await inChild<{ ok: true; policies: { id: string; est: string }[] } | { ok: false; errors: string[] }>(
    { op: 'check', text, schema },
    timeoutMs,
  );
  return r.ok ? { ok: true, policies: r.policies.map((p) => ({ id: p.id, est: parseCedarJson(p.est) as PolicyJson })) } : r;
}

export interface ReferenceAnswer {
  decision?: 'allow' | 'deny';
  reasons?: string[];
  errors?: string[];
  failure?: string;
}

/** cedar-wasm's answers for a few requests (policy tests); each call is a fresh process. */
export async function referenceAuthorize(
  policies: Record<string, string>,
  requests: readonly unknown[],
  timeoutMs = 60_000,
): Promise<ReferenceAnswer[]> {
  const r = await inChild<{ answers: ReferenceAnswer[] }>({ op: 'authorize', policies, requests }, timeoutMs);
  return r.answers;
}

function inChild<T>(message: unknown, timeoutMs: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const child = fork(WORKER, [], { stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });
    let stderr = '';
    child.stderr!.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-2000)));
    let answer: T | undefined;
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('message', (m) => (answer = m as T));
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      if (answer) resolve(answer);
      else reject(new Error(`the Cedar checker stopped (${signal ?? `exit ${code}`}) without an answer: ${stderr.trim().slice(-500)}`));
    });
    child.send(message as object);
  });
}
