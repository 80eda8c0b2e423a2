// Files the store and the ledger write: owner-only (0700 directories, 0600 files) whatever the
// umask, so a database, its WAL, the KEK file and exported checkpoints are not world-readable.
import { chmodSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';

/** A directory only its owner can enter: made 0700, or set to 0700 when this call made it. */
export function privateDir(dir: string): void {
  if (existsSync(dir)) return;
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  chmodSync(dir, 0o700);
}

/** Writes a file readable by its owner only (0600 whatever the umask). */
export function privateFile(path: string, data: string, flag: 'w' | 'wx' = 'w'): void {
  writeFileSync(path, data, { mode: 0o600, flag });
  chmodSync(path, 0o600);
}

/** Makes existing files private (0600): the store's database and its -wal and -shm files. */
export function restrictFiles(...paths: string[]): void {
  for (const p of paths) if (existsSync(p)) chmodSync(p, 0o600);
}
