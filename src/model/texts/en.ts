import type { Texts } from "./shape.ts";

/** Every text in English. */
export const en: Texts = {
  format: {
    decimalMark: ".",
    hours: (n) => `${n} h`,
    days: (n) => `${n} ${n === 1 ? "day" : "days"}`,
    justNow: "just now",
    ago: (duration) => `${duration} ago`,
  },
  notifier: {
    rentExtra: (amount) => `+ rent ${amount}`,
    rooms: (n) => `${n} ${n === 1 ? "room" : "rooms"}`,
    published: (age) => `published ${age}`,
    searchLabel: "Search",
    priceUnknown: "price on request",
    openButton: "Open listing",
    muteButton: "🔕 Mute this search",
    digestHeader: (n) => `${n} new ${n === 1 ? "listing" : "listings"}`,
  },
};
