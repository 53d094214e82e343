// Wiring only: each handler hands off to its stage.
import { handleScheduled } from "./cron/scheduled.ts";
import { handleDeadLetters, handleNewListings } from "./filter/queue-handler.ts";
import { sendAdminText } from "./telegram/admin-alert.ts";
import { app } from "./web/app.ts";

export { Notifier } from "./durable/notifier.ts";
export { SendBudget } from "./durable/send-budget.ts";

export default {
  fetch: app.fetch,

  async scheduled(_controller, env, _ctx) {
    await handleScheduled(env, { alert: (text) => sendAdminText(env, text) });
  },

  async queue(batch, env, _ctx) {
    if (batch.queue.endsWith("-dlq")) await handleDeadLetters(batch, env, (text) => sendAdminText(env, text));
    else await handleNewListings(batch, env);
  },
} satisfies ExportedHandler<Env>;
