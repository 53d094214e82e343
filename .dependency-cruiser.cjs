/**
 * The architecture in one file: which folder of src/ may import which.
 * `npm test` runs it (npm run deps); the README's layout table says the same.
 *
 *   lib      pure helpers, no domain                      imports nothing of ours
 *   model    the domain: listing, search, recipient,      lib
 *            locations, languages and texts, Warsaw time
 *   db       SQL, one module per table                    model, lib
 *   sources  site adapters and pure parsers               model, lib
 *   telegram Bot API client, message building, errors     model, lib
 *   searches search input: links, typed answers, forms    model, lib, db, sources
 *   account  user state with one owner (D1 + Notifier)    model, lib, db
 *   cron     the parser stage: FeedPoller objects and the  model, lib, db, sources, telegram
 *            once-a-minute reconciler
 *   filter   the queue consumer                           model, lib, db
 *   durable  Notifier and SendScheduler objects           model, lib, db, telegram
 *   bot      Telegram commands                            model, lib, db, searches, account, telegram
 *   web      Hono app: webhook, /app, /admin              model, lib, db, searches, account, telegram, bot's entry
 *   index.ts wiring                                       anything
 *
 * Data flows one way through the stages (cron -> queue -> filter -> Notifier):
 * no stage imports another stage; what two stages share lives in model/.
 */

const allowed = {
  lib: ["lib"],
  model: ["model", "lib"],
  db: ["db", "model", "lib"],
  sources: ["sources", "model", "lib"],
  telegram: ["telegram", "model", "lib"],
  searches: ["searches", "model", "lib", "db", "sources"],
  account: ["account", "model", "lib", "db"],
  cron: ["cron", "model", "lib", "db", "sources", "telegram"],
  filter: ["filter", "model", "lib", "db"],
  durable: ["durable", "model", "lib", "db", "telegram"],
  bot: ["bot", "model", "lib", "db", "searches", "account", "telegram"],
  web: ["web", "model", "lib", "db", "searches", "account", "telegram"],
};

const layerRules = Object.entries(allowed).map(([folder, may]) => ({
  name: `${folder}-imports`,
  comment: `src/${folder}/ may import only ${may.map((f) => `src/${f}/`).join(", ")}`,
  severity: "error",
  from: { path: `^src/${folder}/` },
  to: { path: "^src/", pathNot: [`^src/(${may.join("|")})/`, ...(folder === "web" ? ["^src/bot/index\\.ts$"] : [])] },
}));

module.exports = {
  forbidden: [
    {
      name: "no-circular",
      comment: "A cycle means two modules are one concern, or one of them is in the wrong place.",
      severity: "error",
      from: {},
      to: { circular: true },
    },
    {
      name: "src-is-self-contained",
      comment: "The Worker never reaches into tests, the benchmark or the fakes.",
      severity: "error",
      from: { path: "^src/" },
      to: { path: "^(test|bench|sim|scripts)/" },
    },
    {
      name: "not-to-unresolvable",
      severity: "error",
      from: {},
      to: { couldNotResolve: true },
    },
    ...layerRules,
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    exclude: { path: "^worker-configuration\\.d\\.ts$" },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
    enhancedResolveOptions: { exportsFields: ["exports"], conditionNames: ["import", "require", "node", "default", "workerd"], extensions: [".ts", ".tsx", ".js"] },
    builtInModules: { add: ["cloudflare:workers", "cloudflare:test"] },
  },
};
