import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
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
 * Moves the clock to the armed alarm (never back) and runs it.
 *
 * @returns the alarm time it ran, or null when none was armed
 */
export async function runNextAlarm(stub: DurableObjectStub<Notifier>, clock: TestClock): Promise<number | null> {
  const at = await runInDurableObject(stub, (_n: Notifier, state) => state.storage.getAlarm());
  if (at === null) return null;
  clock.now = Math.max(clock.now, at);
  await runDurableObjectAlarm(stub);
  return at;
}

/** Runs alarms until none is armed; returns the times they were armed for. */
export async function drain(stub: DurableObjectStub<Notifier>, clock: TestClock, max = 500): Promise<number[]> {
  const schedule: number[] = [];
  for (let i = 0; i < max; i++) {
    const at = await runNextAlarm(stub, clock);
    if (at === null) return schedule;
    schedule.push(at);
  }
  throw new Error(`outbox not drained after ${max} alarms`);
}

/** The alarm the Notifier has armed, or null. */
export function armedAlarm(stub: DurableObjectStub<Notifier>): Promise<number | null> {
  return runInDurableObject(stub, (_n: Notifier, state) => state.storage.getAlarm());
}
