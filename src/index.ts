// Wiring only: each handler hands off to its stage.
import { env } from "cloudflare:workers";
import { handleScheduled } from "./cron/scheduled.ts";
import { handleDeadLetters, handleNewListings } from "./filter/queue-handler.ts";
import { sendAdminText } from "./telegram/admin-alert.ts";
import { REQUIRED_SECRETS, missingSecrets } from "./lib/config.ts";
import { log } from "./lib/log.ts";
import { app } from "./web/app.ts";

// Once per isolate, at start (wrangler dev prints it as it boots): a deployment without a secret says so.
for (const name of missingSecrets(env)) log.error("config_missing_secret", { secret: name, effect: REQUIRED_SECRETS[name] });

export { FeedPoller } from "./cron/feed-poller.ts";
export { Notifier } from "./durable/notifier.ts";
export { SendScheduler } from "./durable/send-scheduler.ts";

export default {
  fetch: app.fetch,

  async scheduled(controller, env, _ctx) {
    await handleScheduled(env, controller.scheduledTime, controller.cron);
  },

  async queue(batch, env, _ctx) {
    if (batch.queue.endsWith("-dlq")) await handleDeadLetters(batch, env, (text) => sendAdminText(env, text));
    else await handleNewListings(batch, env);
  },
} satisfies ExportedHandler<Env>;
