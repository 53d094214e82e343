import { config } from "../lib/config.ts";
import { log } from "../lib/log.ts";
import { createTelegramApi } from "./api.ts";
import { classifyTelegramError } from "./errors.ts";
import { escapeHtml } from "./html.ts";


/**
 * Tells the operator: one HTML message to ADMIN_CHAT_ID. Never throws (an
 * alert must not break the stage that raises it); in mock mode, or without an
 * admin chat, the alert is only logged.
 */
export async function sendAdminAlert(
  env: Pick<Env, "ADMIN_CHAT_ID" | "TELEGRAM_MODE" | "TELEGRAM_BOT_TOKEN" | "TELEGRAM_API_ROOT">,
  html: string,
): Promise<void> {
  const { adminChatId: chatId, telegramMode } = config(env);
  log.warn("admin_alert", { sent: chatId !== null && telegramMode !== "mock", length: html.length });
  if (chatId === null || telegramMode === "mock") return;
  try {
    await createTelegramApi(env).sendMessage(chatId, html, { parse_mode: "HTML" });
  } catch (error) {
    const failure = classifyTelegramError(error);
    log.error("admin_alert_failed", { code: failure.code, description: failure.description });
  }
}

/** The same, for plain text that must be escaped first. */
export function sendAdminText(env: Parameters<typeof sendAdminAlert>[0], text: string): Promise<void> {
  return sendAdminAlert(env, escapeHtml(text));
}
