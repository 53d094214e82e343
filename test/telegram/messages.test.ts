import { describe, it } from "vitest";
import type { Delivery } from "../../src/model/delivery.ts";
import { digestPartMessage, listingMessage } from "../../src/telegram/messages.ts";
import { renderDigest, renderListing } from "../../src/telegram/render.ts";
import { sampleListing } from "../durable/seed.ts";

const NOW = Date.UTC(2030, 5, 1, 12);
const TO = { chatId: 42, language: "en" } as const;

function delivery(id: number, photoUrl: string | null = `https://img.example/${id}.jpg`): Delivery {
  return { notificationId: id, searchId: 7, searchName: "Mokotów", matchedAt: NOW, fanout: 1, listing: { ...sampleListing(NOW, { photoUrl }), id } };
}

describe("listingMessage", () => {
  it("sends the photo with its caption, and keeps the text card for a refused photo", ({ expect }) => {
    const d = delivery(1);
    const card = renderListing(d, "en", NOW);
    const { message, textFallback } = listingMessage(d, TO, NOW);
    expect(message).toEqual({ method: "sendPhoto", chatId: 42, photo: d.listing.photoUrl, caption: card.caption, buttons: card.buttons });
    expect(textFallback).toEqual({ method: "sendMessage", chatId: 42, text: card.text, buttons: card.buttons, previewUrl: d.listing.url });
  });

  it("sends text when the listing has no photo, or its photo was refused before", ({ expect }) => {
    for (const [d, photo] of [
      [delivery(2, null), true],
      [delivery(3), false],
    ] as const) {
      const { message, textFallback } = listingMessage(d, TO, NOW, { photo });
      expect(message).toMatchObject({ method: "sendMessage", chatId: 42, previewUrl: d.listing.url });
      expect(textFallback).toBeNull();
    }
  });
});

describe("digestPartMessage", () => {
  it("is the first part of what is left, without a preview, naming the notifications it lists", ({ expect }) => {
    const deliveries = [delivery(21), delivery(22)];
    const [part] = renderDigest(deliveries, "en", { total: 5, offset: 3 });
    expect(digestPartMessage(deliveries, TO, { total: 5, offset: 3 })).toEqual({
      message: { method: "sendMessage", chatId: 42, text: part?.text, buttons: [], previewUrl: null },
      notificationIds: [21, 22],
    });
    expect(digestPartMessage([], TO, { total: 5, offset: 5 })).toBeNull();
  });
});
