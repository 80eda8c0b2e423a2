// The engine registry: every file in bench/decide/engines/ whose default export is an Engine or
// an array of them. Adding an engine is adding a file there; nothing else to register.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Engine } from './engine.js';

export const ENGINES_DIR = fileURLToPath(new URL('./engines/', import.meta.url));

export interface RegisteredEngine {
  engine: Engine;
  /** The file that defines it, which the engine's child process imports. */
  file: string;
}

/** The engines of one file. */
export async function enginesIn(file: string): Promise<Engine[]> {
  const mod = (await import(pathToFileURL(file).href)) as { default?: Engine | Engine[] };
  if (!mod.default) throw new Error(`${file} has no default export (an Engine or Engine[])`);
  return Array.isArray(mod.default) ? mod.default : [mod.default];
}

/** Every engine, by table order then id; ids must be unique. */
export async function loadEngines(): Promise<RegisteredEngine[]> {
  const files = readdirSync(ENGINES_DIR)
    .filter((f) => /\.(ts|mts|js|mjs)$/.test(f) && !f.endsWith('.d.ts'))
    .sort();
  const out: RegisteredEngine[] = [];
  for (const f of files) for (const engine of await enginesIn(join(ENGINES_DIR, f))) out.push({ engine, file: join(ENGINES_DIR, f) });
  const seen = new Set<string>();
  for (const { engine, file } of out) {
    if (seen.has(engine.id)) throw new Error(`duplicate engine id ${engine.id} (in ${file})`);
    seen.add(engine.id);
  }
  return out.sort((a, b) => a.engine.order - b.engine.order || a.engine.id.localeCompare(b.engine.id));
}
