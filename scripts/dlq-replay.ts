/**
 * `npm run dlq:replay [-- --url https://…]`: puts the dead letters of the
 * new-listings queue back on it (POST /admin/dead-letters/replay), repeating
 * while the Worker says there are more. Idempotent: a replayed letter is not
 * sent again, and the filter notifies each user of a listing once.
 */
import { parseArgs } from "node:util";
import { adminCall } from "./lib/admin-api.ts";

if (import.meta.main) {
  const { values } = parseArgs({ options: { url: { type: "string" } } });
  try {
    let total = 0;
    for (;;) {
      const { status, body } = await adminCall("/admin/dead-letters/replay", { method: "POST", url: values.url });
      if (status !== 200) throw new Error(`the Worker answered ${status}: ${JSON.stringify(body)}`);
      const result = body as { replayed: number; unreadable: number; left: boolean };
      total += result.replayed;
      console.log(JSON.stringify(result));
      if (!result.left || result.replayed === 0) break;
    }
    console.log(`${total} dead letter(s) replayed`);
  } catch (error) {
    console.error(error instanceof Error ? error.message : String(error));
    process.exitCode = 1;
  }
}
