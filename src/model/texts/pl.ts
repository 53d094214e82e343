import { plPlural } from "./plural.ts";
import type { Texts } from "./shape.ts";

/** Every text in Polish, the default language. */
export const pl: Texts = {
  format: {
    decimalMark: ",",
    hours: (n) => `${n} godz.`,
    days: (n) => `${n} ${plPlural(n, "dzień", "dni", "dni")}`,
    justNow: "przed chwilą",
    ago: (duration) => `${duration} temu`,
  },
  notifier: {
    rentExtra: (amount) => `+ czynsz ${amount}`,
    rooms: (n) => `${n} ${plPlural(n, "pokój", "pokoje", "pokoi")}`,
    published: (age) => `dodano ${age}`,
    searchLabel: "Wyszukiwanie",
    priceUnknown: "cena do uzgodnienia",
    openButton: "Otwórz ogłoszenie",
    muteButton: "🔕 Wycisz to wyszukiwanie",
    digestHeader: (n) => `${n} ${plPlural(n, "nowe ogłoszenie", "nowe ogłoszenia", "nowych ogłoszeń")}`,
  },
};
