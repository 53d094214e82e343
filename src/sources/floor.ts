/**
 * Storeys as the sites write them, read to one number (0: ground floor, -1: basement). What is
 * not one storey ("Powyżej 10" floor_11, "Poddasze" floor_17 on OLX; anything beyond the plain
 * ordinals on Otodom) is null: the same-flat rule only compares floors both sides know exactly.
 */

/**
 * OLX `floor_select` (API `value.key`, 2023 page `normalizedValue`) and Otodom's ad-page
 * `floor_no`: "floor_-1" (Suterena), "floor_0" (Parter), "floor_1" … "floor_10".
 *
 * @example floorFromKey("floor_9") // 9
 */
export function floorFromKey(key: string | null | undefined): number | null {
  const m = /^floor_(-1|\d{1,2})$/.exec(key ?? "");
  if (!m) return null;
  const n = Number(m[1]);
  return n <= 10 ? n : null;
}

const OTODOM_ORDINALS = ["GROUND", "FIRST", "SECOND", "THIRD", "FOURTH", "FIFTH", "SIXTH", "SEVENTH", "EIGHTH", "NINTH", "TENTH"];

/**
 * Otodom search items' `floorNumber`: "GROUND", "FIRST" … "TENTH".
 *
 * @example floorFromOtodomOrdinal("THIRD") // 3
 */
export function floorFromOtodomOrdinal(value: string | null | undefined): number | null {
  const i = OTODOM_ORDINALS.indexOf(value ?? "");
  return i < 0 ? null : i;
}
