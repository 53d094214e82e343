/**
 * Compares a presented secret with the expected one in constant time (the
 * runtime's timingSafeEqual over SHA-256 digests, so lengths leak nothing).
 */
export async function secretMatches(presented: string | null | undefined, expected: string): Promise<boolean> {
  if (!presented || !expected) return false;
  const encoder = new TextEncoder();
  const [a, b] = await Promise.all([
    crypto.subtle.digest("SHA-256", encoder.encode(presented)),
    crypto.subtle.digest("SHA-256", encoder.encode(expected)),
  ]);
  return crypto.subtle.timingSafeEqual(a, b);
}
