/**
 * Callback data the Notifier puts under its messages and the bot answers
 * (src/bot/searches.ts): written and read in this one place.
 */
export const muteSearch = {
  data: (searchId: number) => `m:${searchId}`,
  pattern: /^m:(\d{1,12})$/,
} as const;
