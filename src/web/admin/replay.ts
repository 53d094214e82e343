import { useDb } from "../../db/client.ts";
import { markReplayed, unreplayedDeadLetters } from "../../db/dead-letters.ts";
import { log } from "../../lib/log.ts";
import { newListingsMessage } from "../../model/queue-message.ts";

/** A queue's sendBatch takes at most 100 messages. */
const PAGE = 100;
/** Pages one replay reads at most, so one call stays short; the rest waits for the next. */
const MAX_PAGES = 5;

export interface ReplayResult {
  /** Put back on NEW_LISTINGS by this call. */
  replayed: number;
  /** Not a message of ours (cut, or never ours): kept for reading, never sent. */
  unreadable: number;
  /** This call stopped at its bound: there may be more, call again. */
  left: boolean;
}

/**
 * Puts the dead letters of NEW_LISTINGS back on that queue, oldest first, and
 * marks them replayed. Idempotent twice over: a replayed letter is never sent
 * again, and should one be (two replays at once, or a crash between the send
 * and the mark), the filter records each (user, listing) once, so a listing
 * still reaches each user once.
 */
export async function replayDeadLetters(env: Env, now: number): Promise<ReplayResult> {
  const db = useDb(env.DB);
  let afterId = 0;
  let replayed = 0;
  let unreadable = 0;
  let left = true;
  for (let page = 0; page < MAX_PAGES && left; page++) {
    const letters = await unreplayedDeadLetters(db, afterId, PAGE);
    left = letters.length === PAGE;
    afterId = letters.at(-1)?.id ?? afterId;
    const readable = letters.flatMap((letter) => {
      const parsed = newListingsMessage.safeParse(parseJson(letter.body));
      return parsed.success ? [{ id: letter.id, body: parsed.data }] : [];
    });
    unreadable += letters.length - readable.length;
    if (readable.length > 0) {
      // Sent before marked: a crash in between replays a letter twice, which delivers once (see above).
      await env.NEW_LISTINGS.sendBatch(readable.map((r) => ({ body: r.body })));
      replayed += (await markReplayed(db, readable.map((r) => r.id), now)).length;
    }
  }
  log.info("dead_letters_replayed", { replayed, unreadable, left });
  return { replayed, unreadable, left };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}
