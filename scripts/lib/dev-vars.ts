import { readFileSync } from "node:fs";
import { REQUIRED_SECRETS, type RequiredSecret, missingSecrets } from "../../src/lib/config.ts";

type Vars = Record<string, string | undefined>;

/** KEY=value lines; # comments and blank lines skipped; quotes around a value removed. */
export function parseDevVars(text: string): Vars {
  const vars: Vars = {};
  for (const line of text.split("\n")) {
    const match = /^\s*([A-Z0-9_]+)\s*=\s*(.*?)\s*$/.exec(line);
    if (match?.[1]) vars[match[1]] = match[2]?.replace(/^(["'])(.*)\1$/, "$2");
  }
  return vars;
}

/** A file next to package.json as vars; empty when it does not exist. */
export function readVarsFile(name: string): Vars {
  try {
    return parseDevVars(readFileSync(new URL(`../../${name}`, import.meta.url), "utf8"));
  } catch {
    return {};
  }
}

/**
 * The secrets a local run lacks: neither in .dev.vars (which wrangler dev
 * reads itself) nor among the vars the run passes. Each comes with the local
 * stand-in from .dev.vars.example, so `npm start` still works, and the warning
 * to print: a run without them would refuse every sign-in or webhook call.
 */
export function localSecrets(passed: Vars): { vars: Record<string, string>; warning: string | null } {
  const devVars = readVarsFile(".dev.vars");
  const missing: RequiredSecret[] = missingSecrets({ ...devVars, ...passed });
  if (missing.length === 0) return { vars: {}, warning: null };
  const example = readVarsFile(".dev.vars.example");
  const vars = Object.fromEntries(missing.flatMap((name) => (example[name] ? [[name, example[name]]] : [])));
  const lines = missing.map((name) => `  ${name}: ${example[name] ? "using .dev.vars.example's local value" : "NOT SET"} (without it ${REQUIRED_SECRETS[name]})`);
  return { vars, warning: [`⚠ .dev.vars does not set ${missing.join(", ")}:`, ...lines, "  Copy .dev.vars.example to .dev.vars to choose your own."].join("\n") };
}
