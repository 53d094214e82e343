/**
 * The base62 alphabet both platforms use for the short id in their URLs
 * (OLX `-ID<x>.html`, Otodom `-ID<publicId>`): digits, lower case, upper case.
 * Otodom's publicId is exactly base62(id): 67889723 <-> "4ARdx".
 */
const ALPHABET = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";

export function toBase62(n: number): string {
  if (!Number.isSafeInteger(n) || n < 0) throw new RangeError(`not a base62-encodable id: ${n}`);
  let out = "";
  do {
    out = ALPHABET.charAt(n % 62) + out;
    n = Math.floor(n / 62);
  } while (n > 0);
  return out;
}
