/**
 * Every user-facing text in one language: what the notifier, the bot and the
 * settings page say. pl.ts and en.ts each hold one table of this shape, so the
 * type checker refuses a text one language lacks. Plain text unless a field
 * says HTML: values passed in, and the result, are escaped by the caller.
 */
export interface Texts {
  format: FormatTexts;
  notifier: NotifierTexts;
}

/** The words inside numbers and lengths of time (format.ts). */
export interface FormatTexts {
  /** Between a number's whole part and its decimals. */
  decimalMark: string;
  /** Whole hours, under a day: "3 godz.". */
  hours: (n: number) => string;
  /** Whole days: "2 dni". */
  days: (n: number) => string;
  /** An age under a minute. */
  justNow: string;
  /** An age as a duration before now: "5 min temu". */
  ago: (duration: string) => string;
}

/** The listing card and the digest (src/telegram/render.ts). */
export interface NotifierTexts {
  rentExtra: (amount: string) => string;
  rooms: (n: number) => string;
  published: (age: string) => string;
  searchLabel: string;
  priceUnknown: string;
  openButton: string;
  muteButton: string;
  digestHeader: (n: number) => string;
}
