// Wiring only: each handler hands off to its stage.
export { Notifier } from "./durable/notifier.ts";
export { SendBudget } from "./durable/send-budget.ts";

export default {
  async fetch() {
    return new Response("GetMeOne");
  },
} satisfies ExportedHandler<Env>;
