// mulberry32: a tiny, well-mixed 32-bit PRNG. Every seeded sequence in the project (demo firm,
// benchmark firms, crash-test kill points) comes from here, so the same seed gives the same data
// on every machine. Pure: the seed is the only input. Not for anything security-related.
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
