import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import type { Recipient } from "../../src/model/recipient.ts";
import type { Notifier } from "../../src/durable/notifier.ts";
import type { TestClock } from "./fake-telegram.ts";

/** What the Notifier wrote to Analytics Engine, as blobs/doubles. */
export interface MetricRecord {
  stage: string;
  source: string;
  city: string;
  outcome: string;
  durationMs: number;
  count: number;
  e2eMs: number;
}

/**
 * The user's Notifier with the test's clock, a fixed jitter (none) and a
 * metrics recorder wired in. Configure more with `setup`.
 */
export async function notifierFor(recipient: Recipient, clock: TestClock, setup: (n: Notifier) => void = () => {}) {
  const stub = env.NOTIFIER.getByName(String(recipient.userId));
  const metrics: MetricRecord[] = [];
  await runInDurableObject(stub, (n: Notifier) => {
    n.now = () => clock.now;
    n.random = () => 0;
    n.metrics = {
      writeDataPoint(point) {
        const [stage = "", source = "", city = "", outcome = ""] = (point?.blobs ?? []).map(String);
        const [durationMs = 0, count = 0, e2eMs = 0] = point?.doubles ?? [];
        metrics.push({ stage, source, city, outcome, durationMs, count, e2eMs });
      },
    };
    setup(n);
  });
  return { stub, metrics };
}

/**
 * Plays the SendScheduler for one user: moves the clock to the Notifier's
 * next send time (never back) and grants that send.
 *
 * @returns the time it was due, or null when nothing is queued
 */
export async function runNextSend(stub: DurableObjectStub<Notifier>, clock: TestClock): Promise<number | null> {
  const at = await nextSendAt(stub);
  if (at === null) return null;
  clock.now = Math.max(clock.now, at);
  await stub.sendNext({ paid: false });
  return at;
}

/** Grants sends until nothing is queued; returns the times they were due. */
export async function drain(stub: DurableObjectStub<Notifier>, clock: TestClock, max = 500): Promise<number[]> {
  const schedule: number[] = [];
  for (let i = 0; i < max; i++) {
    const at = await runNextSend(stub, clock);
    if (at === null) return schedule;
    schedule.push(at);
  }
  throw new Error(`outbox not drained after ${max} sends`);
}

/** When the Notifier's next message may go, or null when nothing is queued. */
export async function nextSendAt(stub: DurableObjectStub<Notifier>): Promise<number | null> {
  return (await stub.inspect()).next?.readyAt ?? null;
}
