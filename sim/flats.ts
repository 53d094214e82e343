/**
 * The flats behind the fakes' ads. A fake listing is one real capture's item with its values
 * rewritten; without this file every listing made from one template would show the same flat
 * (title, area, rooms, floor, photo), and the same-flat rule (src/model/flat.ts) would take
 * them all for one. So each new listing shows a flat of its own, drawn from the ranges real
 * ads have, and a later ad of a flat (a repost, a cross-post) shows that flat again the way
 * real ones do: same area, rooms and floor, a title reworded, a new or the same photo file.
 *
 * Pure and seeded by the flat's sequence number: the same fake publishes the same flats.
 */
import { prng } from "./random.ts";

/** What stays the same in every ad of one flat. */
export interface Flat {
  /** Ground truth: every ad of this flat, on either site, carries it. */
  id: string;
  /** Draws everything else (and which template of its site a listing of it takes). */
  seq: number;
  rooms: number;
  /** m², to the hundredth where the ad gives decimals (most real ones do: 82.79, 57.49, 48.01). */
  areaM2: number;
  /** 0 ground floor … 10; lower ones a little commoner (blocks of 4-10 storeys, kamienice of 3-5). */
  floor: number;
  /** The flat's own price per m² against its city's mean: 0.8-1.2 (a good street, a bad one). */
  priceFactor: number;
  /** The flat's pin against the target's, km east and north (OLX only: Otodom search items have none). */
  eastKm: number;
  northKm: number;
  /** The words its first ad's title is made of. */
  words: readonly string[];
}

/** One ad of a flat: what the ad's author wrote and uploaded. */
export interface FlatAd {
  flat: Flat;
  title: string;
  /** The first photo's file name on OLX's apollo CDN, which serves both sites (the rule's strongest evidence). */
  photoFile: string;
  /** This ad's price against the flat's: 1 for the first ad; a repost's ±0-5 %, a cross-post's 1-2.5 %. */
  priceFactor: number;
}

/**
 * Rooms as the 2026 captures spread them (Kraków sale page: 5 one-room, 14 two-room, 4 three-,
 * 2 four-room and more), with the area range of each in those captures, widened a little.
 */
const ROOMS: readonly { rooms: number; share: number; minM2: number; maxM2: number }[] = [
  { rooms: 1, share: 0.2, minM2: 18, maxM2: 38 },
  { rooms: 2, share: 0.45, minM2: 30, maxM2: 62 },
  { rooms: 3, share: 0.25, minM2: 48, maxM2: 90 },
  { rooms: 4, share: 0.1, minM2: 65, maxM2: 130 },
];

/** Openers, features and streets from the captures' titles (test/fixtures: Kraków 2026, Gdańsk, Poznań, Wrocław, Warszawa 2021). */
const OPENERS = [
  "Przestronne", "Słoneczne", "Nowoczesne", "Wyremontowane", "Zadbane", "Jasne", "Klimatyczne", "Przytulne", "Komfortowe",
  "Inwestycyjne", "Gotowe", "Umeblowane", "Wykończone", "Ciche", "Rodzinne", "Stylowe", "Eleganckie", "Funkcjonalne",
];
/** No word in two of them: two titles share a word only by sharing a feature. */
const FEATURES = [
  "balkon", "taras", "loggia", "winda", "garaż", "komórka lokatorska", "ogródek", "klimatyzacja", "osobna kuchnia",
  "widok na las", "kamienica", "apartamentowiec", "MPEC", "miejsce parkingowe", "piwnica", "zielona okolica",
  "dwa poziomy", "ostatnie piętro", "po remoncie", "od zaraz", "bez prowizji", "blisko tramwaju", "nowe budownictwo",
  "wysoki standard", "pod wynajem", "antresola", "ochrona", "monitoring", "rynek wtórny", "gotowe do zamieszkania",
  "dwustronne", "pralnia", "rowerownia", "portiernia", "spokojna okolica", "doskonała komunikacja", "ciepła woda miejska",
  "duży salon", "garderoba", "jasna łazienka", "przedpokój z zabudową", "wschodnia wystawa", "metro", "park",
]
const STREETS = [
  "Racławicka", "Poznańska", "Odrowąża", "Chełmońskiego", "Długie Ogrody", "Kazimierz", "Ruczaj", "Kabel", "Zabłocie",
  "Płaszów", "Grunwaldzki", "Zaspa", "Kasztelanów", "Mickiewicza", "Słowackiego", "Kościuszki", "Sienkiewicza",
  "Żeromskiego", "Kopernika", "Reymonta", "Konopnickiej", "Prusa", "Orzeszkowej", "Kasprowicza", "Wyspiańskiego",
  "Matejki", "Norwida", "Traugutta", "Kilińskiego", "Staszica", "Kołłątaja", "Asnyka", "Grottgera", "Lelewela",
  "Narutowicza", "Okrzei", "Pułaskiego", "Moniuszki", "Chopina", "Szymanowskiego", "Paderewskiego", "Dąbrowskiego",
  "Kochanowskiego", "Krasińskiego", "Fredry", "Tuwima", "Broniewskiego", "Herberta", "Miłosza", "Lema", "Wielicka",
  "Kalwaryjska", "Zakopiańska", "Bora-Komorowskiego", "Conrada", "Lea", "Armii Krajowej", "Pilotów", "Ofiar Dąbia",
];
/** What a repost's author adds to the title (flat-ad boilerplate the rule ignores, or one new word). */
const REPOST_ADDITIONS = ["okazja", "super oferta", "bezpośrednio", "nowa cena", "atrakcyjne", "pilne"];

/** Storeys 0-10, each by its weight. */
const FLOOR_WEIGHTS = [1.2, 1.2, 1.1, 1.1, 1, 1, 0.9, 0.8, 0.7, 0.6, 0.5];
function floorOf(random: () => number): number {
  let x = random() * FLOOR_WEIGHTS.reduce((s, w) => s + w, 0);
  return Math.max(0, FLOOR_WEIGHTS.findIndex((w) => (x -= w) < 0));
}

const pick = <T>(items: readonly T[], random: () => number): T => items[Math.floor(random() * items.length)] as T;

/** A random from the flat's number and a purpose, so one flat's draws never shift another's. */
const drawFor = (seq: number, salt: number) => prng((Math.imul(seq, 0x9e3779b1) ^ Math.imul(salt, 0x85ebca6b)) >>> 0);

/** The flat number `seq` (unique across the fakes: sim/publisher.ts salts it by site), named `id`: rooms, area, floor, pin, price and title words. */
export function flatAt(seq: number, id: string): Flat {
  const r = drawFor(seq, 1);
  let x = r();
  const kind = ROOMS.find((k) => (x -= k.share) < 0) ?? (ROOMS[1] as (typeof ROOMS)[number]);
  const raw = kind.minM2 + r() * (kind.maxM2 - kind.minM2);
  // Three ads in five give the area with decimals (14 of the Kraków capture's 23); the rest a whole number.
  const areaM2 = r() < 0.6 ? Math.round(raw * 100) / 100 : Math.round(raw);
  const floor = floorOf(r);
  const priceFactor = 0.7 + r() * 0.6;
  const eastKm = (r() - 0.5) * 12;
  const northKm = (r() - 0.5) * 12;
  const features = new Set<string>();
  const count = 3 + Math.floor(r() * 2);
  while (features.size < count) features.add(pick(FEATURES, r));
  const words = [pick(OPENERS, r), ...features, `ul. ${pick(STREETS, r)}`];
  return { id, seq, rooms: kind.rooms, areaM2, floor, priceFactor, eastKm, northKm, words };
}

/** "Słoneczne 2 pokoje, balkon, winda, ul. Kopernika": a title as the captures' are written. */
function titleOf(flat: Flat, words: readonly string[]): string {
  const [opener, ...rest] = words;
  const rooms = flat.rooms === 1 ? "kawalerka" : `${flat.rooms} pokoje`;
  return `${opener} ${rooms}, ${rest.join(", ")}`;
}

/** A photo file name as OLX's apollo CDN names uploads ("ee1d1vfzs25z2-PL"): 13 base-36 characters. */
function photoFileOf(seq: number, salt: number): string {
  const r = drawFor(seq, 100 + salt);
  return `${Array.from({ length: 13 }, () => Math.floor(r() * 36).toString(36)).join("")}-PL`;
}

/** The first ad of a flat. */
export function firstAd(flat: Flat): FlatAd {
  return { flat, title: titleOf(flat, flat.words), photoFile: photoFileOf(flat.seq, 0), priceFactor: 1 };
}

/**
 * The price change of a repost: ±0-5 %, but never within half a point of the 3 % drop
 * threshold (src/model/price-change.ts): a repost is either plainly cheaper or plainly not, so
 * whether a reply is due does not hang on rounding.
 */
export function repostPriceFactor(random: () => number): number {
  const x = random();
  return x < 0.25 ? 1 - (0.04 + random() * 0.01) : 1 - 0.025 + random() * 0.075;
}

/**
 * A repost of `ad`, number `n` of its flat: the same flat (area, rooms, floor, pin), the title
 * reworded (a word dropped or added), a new upload of the photos (a new file name), and a price
 * changed by `priceFactor`.
 */
export function repostOf(ad: FlatAd, n: number, priceFactor: number): FlatAd {
  const r = drawFor(ad.flat.seq, 10 + n);
  const words = [...ad.flat.words];
  if (r() < 0.5 && words.length > 3) words.splice(1 + Math.floor(r() * (words.length - 2)), 1);
  else words.splice(words.length - 1, 0, pick(REPOST_ADDITIONS, r));
  return { flat: ad.flat, title: titleOf(ad.flat, words), photoFile: photoFileOf(ad.flat.seq, n), priceFactor: ad.priceFactor * priceFactor };
}

/**
 * The same flat on the other site (an agency's Otodom ad of an owner's OLX one, or the reverse):
 * the same photo files (both sites serve them from OLX's apollo CDN), the title as the other
 * site's author writes it, a price 1-2.5 % off (an agency's commission folded in, or not).
 */
export function crossPostOf(ad: FlatAd, random: () => number): FlatAd {
  const sign = random() < 0.5 ? -1 : 1;
  const words = [...ad.flat.words].reverse();
  return { flat: ad.flat, title: titleOf(ad.flat, words), photoFile: ad.photoFile, priceFactor: ad.priceFactor * (1 + sign * (0.01 + random() * 0.015)) };
}

/** An OLX photo link as the API gives it: the file on apollo, its size left as placeholders. */
export const olxPhotoLink = (file: string) => `https://ireland.apollo.olxcdn.com:443/v1/files/${file}/image;s={width}x{height}`;

/**
 * An Otodom photo URL with `file` in it: Otodom signs a base64url JSON naming the file
 * (`{"fn":"pl8exei0ado11-APL","w":[…]}`); the template URL's watermark part and signature are
 * kept (nothing checks them), its file name replaced.
 */
export function otodomPhotoUrl(templateUrl: string, file: string): string {
  const m = /\/v1\/files\/([^/.]+)\.([^/]+)\/image/.exec(templateUrl);
  if (!m?.[1]) return templateUrl;
  let payload: Record<string, unknown> = {};
  try {
    payload = JSON.parse(atob(m[1].replace(/-/g, "+").replace(/_/g, "/"))) as Record<string, unknown>;
  } catch {
    // not a signed payload: a payload of our own
  }
  const encoded = btoa(JSON.stringify({ ...payload, fn: file })).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  return templateUrl.replace(m[1], encoded);
}
