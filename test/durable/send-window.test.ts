import { describe, it } from "vitest";
import { STEADY_PER_BULK, SendLine } from "../../src/durable/send-line.ts";
import { CLOCK_MARGIN_MS, SendWindow, WINDOW_MS } from "../../src/durable/send-window.ts";

describe("SendWindow", () => {
  it("counts a send from its start until a second after its answer", ({ expect }) => {
    const w = new SendWindow(2);
    expect(w.nextStart(0)).toBe(0);
    w.start();
    w.start();
    expect(w.nextStart(10)).toBeNull(); // both in flight: the next answer frees a place
    w.finish(0, 300, 400);
    expect(w.nextStart(400)).toBe(300 + WINDOW_MS + CLOCK_MARGIN_MS + 1);
    w.finish(0, 350, 400);
    expect(w.nextStart(300 + WINDOW_MS + CLOCK_MARGIN_MS + 1)).toBe(300 + WINDOW_MS + CLOCK_MARGIN_MS + 1);
  });

  it("clamps an answer time into [start, now], and counts a send without one as answered now", ({ expect }) => {
    const w = new SendWindow(1);
    w.start();
    w.finish(1000, 5000, 2000); // a clock ahead: counted as answered at 2000
    expect(w.nextStart(2000)).toBe(2000 + WINDOW_MS + CLOCK_MARGIN_MS + 1);
    const v = new SendWindow(1);
    v.start();
    v.finish(1000, null, 1500);
    expect(v.nextStart(1500)).toBe(1500 + WINDOW_MS + CLOCK_MARGIN_MS + 1);
  });

  it("holds everything after a 429", ({ expect }) => {
    const w = new SendWindow(30);
    w.hold(9000);
    expect(w.nextStart(1000)).toBe(9000);
    expect(w.nextStart(9000)).toBe(9000);
  });
});

describe("SendLine", () => {
  const random = () => 0.5;

  it("picks the earliest ready steady user, never a busy one, never before their time", ({ expect }) => {
    const line = new SendLine();
    line.put(1, { readyAt: 200, lane: "steady" }, random);
    line.put(2, { readyAt: 100, lane: "steady" }, random);
    line.put(3, { readyAt: 5000, lane: "steady" }, random);
    expect(line.pick(150)).toBe(2);
    line.busy(2);
    expect(line.pick(300)).toBe(1);
    line.busy(1);
    expect(line.pick(300)).toBeNull();
    expect(line.nextReadyAt()).toBe(5000);
  });

  it("gives bulk one turn in STEADY_PER_BULK + 1 while steady waits, and every turn when steady is empty", ({ expect }) => {
    const line = new SendLine();
    let draw = 0;
    for (let u = 100; u < 110; u++) line.put(u, { readyAt: 0, lane: "bulk" }, () => (draw += 0.01));
    const steady = STEADY_PER_BULK * 2;
    for (let u = 1; u <= steady; u++) line.put(u, { readyAt: 0, lane: "steady" }, random);
    const lanes: string[] = [];
    for (;;) {
      const user = line.pick(0);
      if (user === null) break;
      lanes.push(user >= 100 ? "b" : "s");
      line.remove(user);
    }
    const turn = `${"s".repeat(STEADY_PER_BULK)}b`;
    expect(lanes.join("")).toBe(`${turn}${turn}${"b".repeat(8)}`);
  });

  it("shuffles the bulk lane by each user's draw, kept while they stay in it", ({ expect }) => {
    const line = new SendLine();
    const draws = [0.9, 0.1, 0.5];
    line.put(1, { readyAt: 0, lane: "bulk" }, () => draws[0] as number);
    line.put(2, { readyAt: 0, lane: "bulk" }, () => draws[1] as number);
    line.put(3, { readyAt: 0, lane: "bulk" }, () => draws[2] as number);
    expect(line.pick(0)).toBe(2);
    // User 2's next bulk message keeps its place; it does not go to the back.
    line.put(2, { readyAt: 0, lane: "bulk" }, () => 0.99);
    expect(line.pick(0)).toBe(2);
  });
});
