// ISO 17442 LEI check digits (ISO 7064 MOD 97-10): the last two digits make the whole code,
// read with letters as 10..35, equal 1 modulo 97.

function mod97(digits: string): number {
  let rem = 0;
  for (const ch of digits) rem = (rem * 10 + (ch.charCodeAt(0) - 48)) % 97;
  return rem;
}

function toDigits(s: string): string {
  let out = '';
  for (const ch of s) out += /[A-Z]/.test(ch) ? String(ch.charCodeAt(0) - 55) : ch;
  return out;
}

export function isValidLei(lei: string): boolean {
  return /^[A-Z0-9]{18}[0-9]{2}$/.test(lei) && mod97(toDigits(lei)) === 1;
}

/** Completes an 18-character LEI prefix with its check digits. */
export function withLeiCheckDigits(prefix18: string): string {
  if (!/^[A-Z0-9]{18}$/.test(prefix18)) throw new RangeError('LEI prefix must be 18 upper-case alphanumerics');
  const check = 98 - mod97(toDigits(`${prefix18}00`));
  return prefix18 + String(check).padStart(2, '0');
}
