import { eq, inArray } from "drizzle-orm";
import { listings, notifications, users } from "../../src/db/schema.ts";
import type { Delivery } from "../../src/model/delivery.ts";
import type { QuietHours, Recipient } from "../../src/model/recipient.ts";
import type { StoredListing } from "../../src/model/listing.ts";
import { type TestClock, installFakeTelegram } from "../helpers/fake-telegram.ts";
import { notifierFor } from "../helpers/notifier.ts";
import { db, seedUser } from "../helpers/seed.ts";

export { db };

/** A user who started the bot, and the Recipient the filter would hand over for them. */
export async function seedRecipient(fields: Partial<Recipient> = {}): Promise<Recipient> {
  const row = await seedUser({
    ...(fields.chatId === undefined ? {} : { chatId: fields.chatId }),
    language: fields.language ?? "pl",
    isMock: fields.isMock ?? false,
  });
  return { userId: row.id, chatId: row.chatId, language: row.language, isMock: row.isMock, quietHours: fields.quietHours ?? null, digestThreshold: fields.digestThreshold ?? null };
}

let nextExternalId = 1;

/** A non-empty array as the tuple type drizzle's batch() wants, mapped element-wise. */
function nonEmpty<T>(items: readonly T[]) {
  const [first, ...rest] = items;
  if (first === undefined) throw new Error("nothing to insert");
  return {
    map: <U>(f: (item: T) => U): [U, ...U[]] => [f(first), ...rest.map(f)],
  };
}

/** A listing as the parser would store it; fields overridable. */
export function sampleListing(now: number, fields: Partial<StoredListing> = {}): Omit<StoredListing, "id"> {
  const externalId = String(nextExternalId++);
  return {
    source: "olx",
    externalId,
    url: `https://www.olx.pl/d/oferta/mieszkanie-${externalId}.html`,
    title: `Mieszkanie ${externalId}`,
    price: 2900,
    currency: "PLN",
    rent: 800,
    areaM2: 48.5,
    rooms: 2,
    pricePerM2: null,
    city: "Warszawa",
    district: "Mokotów",
    lat: null,
    lon: null,
    isPrivate: true,
    photoUrl: `https://img.olx.pl/${externalId}.jpg`,
    deal: "rent",
    property: "flat",
    publishedAt: now - 5 * 60_000,
    floor: null,
    firstListedAt: null,
    bumpedAt: null,
    flatKey: `olx:${externalId}`,
    firstSeenAt: now - 60_000,
    ...fields,
  };
}

/**
 * Stores `count` listings and one notification each for the recipient, and
 * returns the deliveries the filter would hand to the Notifier.
 */
export async function seedDeliveries(
  recipient: Recipient,
  count: number,
  now: number,
  fields: (i: number) => Partial<StoredListing> = () => ({}),
  searchName = "Mokotów do 3000",
): Promise<Delivery[]> {
  const cards = Array.from({ length: count }, (_, i) => sampleListing(now, fields(i)));
  const d = db();
  const inserted = await d.batch(
    nonEmpty(cards).map((l) =>
      d
        .insert(listings)
        .values({
          ...l,
          dedupKey: `${l.source}:${l.externalId}`,
          lastSeenAt: l.firstSeenAt,
          notify: true,
        })
        .returning({ id: listings.id }),
    ),
  );
  const listingIds = inserted.map((rows) => {
    const id = rows[0]?.id;
    if (id === undefined) throw new Error("listing not inserted");
    return id;
  });
  const noteRows = await d.batch(
    nonEmpty(listingIds).map((listingId) =>
      d
        .insert(notifications)
        .values({ userId: recipient.userId, listingId, matchedAt: now, status: "pending" })
        .returning({ id: notifications.id }),
    ),
  );
  return noteRows.map((rows, i) => {
    const notificationId = rows[0]?.id;
    const card = cards[i];
    const listingId = listingIds[i];
    if (notificationId === undefined || !card || listingId === undefined) throw new Error("notification not inserted");
    return { notificationId, searchId: null, searchName, matchedAt: now, fanout: 1, listing: { ...card, id: listingId } };
  });
}

/** The notifications' D1 rows, by id (chunked under D1's 100 bound parameters). */
export async function notificationRows(ids: readonly number[]) {
  const rows = [];
  for (let i = 0; i < ids.length; i += 90) {
    const chunk = ids.slice(i, i + 90);
    rows.push(...(await db().select().from(notifications).where(inArray(notifications.id, chunk))));
  }
  return rows.sort((a, b) => a.id - b.id);
}

export async function userRow(userId: number) {
  const [row] = await db().select().from(users).where(eq(users.id, userId));
  return row;
}

export const HOUR = 3_600_000; // ms
/** Quiet hours 23:00–07:00 Europe/Warsaw. */
export const NIGHT: QuietHours = { startMin: 23 * 60, endMin: 7 * 60 };

/** 22:30 UTC of the clock's day: 23:30 in Warsaw (the test clock's dates are in winter, CET). */
export function lateEvening(now: number): number {
  return Math.floor(now / (24 * HOUR)) * 24 * HOUR + 22.5 * HOUR;
}

/**
 * The fake Bot API, a user, and `count` matches of theirs handed over to
 * their Notifier at the clock's time.
 */
export async function handedOver(
  clock: TestClock,
  count: number,
  fields: Partial<Recipient> = {},
  listing: (i: number) => Partial<StoredListing> = () => ({}),
) {
  const { telegram } = installFakeTelegram(clock);
  const recipient = await seedRecipient(fields);
  const deliveries = await seedDeliveries(recipient, count, clock.now, listing);
  const { stub } = await notifierFor(recipient, clock);
  await stub.deliver(recipient, deliveries);
  return { telegram, recipient, deliveries, stub };
}

/**
 * A user with NIGHT quiet hours whose three matches are handed over at 23:30
 * (the clock moves there): their Notifier holds them until `morning`, 07:00 CET.
 */
export async function heldOvernight(clock: TestClock) {
  clock.now = lateEvening(clock.now);
  return { ...(await handedOver(clock, 3, { quietHours: NIGHT })), morning: clock.now + 7.5 * HOUR };
}

export { drain, type MetricRecord, nextSendAt, notifierFor, runNextSend } from "../helpers/notifier.ts";
