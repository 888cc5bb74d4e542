import assert from "node:assert/strict";
import { test } from "node:test";

import { Backoff, ServerRotation } from "../src/backoff.js";
import { ResourceUsage } from "../src/usage.js";
import { childTraceparent } from "../src/task.js";

test("backoff doubles up to its maximum, with full jitter", () => {
  const backoff = new Backoff(1000, 30_000);
  assert.deepEqual([0, 1, 2, 5, 6, 100].map((n) => backoff.ceiling(n)), [1000, 2000, 4000, 30_000, 30_000, 30_000]);
  assert.equal(backoff.delay(3, () => 0.5), 4000);
  assert.equal(backoff.delay(0, () => 0), 0);
  assert.throws(() => new Backoff(0, 10), RangeError);
  assert.throws(() => new Backoff(100, 10), RangeError);
});

test("the rotation goes round the servers", () => {
  const rotation = new ServerRotation(["ws://a/ws", "ws://b/ws"]);
  assert.equal(rotation.current(), "ws://a/ws");
  assert.equal(rotation.advance(), "ws://b/ws");
  assert.equal(rotation.advance(), "ws://a/ws");
  assert.throws(() => new ServerRotation([]), RangeError);
});

test("CPU use is measured between two samples, memory from total and free", () => {
  const samples = [
    { busy: 100, total: 1000 },
    { busy: 400, total: 2000 },
  ];
  const usage = new ResourceUsage(
    () => samples.shift(),
    () => ({ total: 8000, free: 2000 }),
  );
  assert.equal(usage.cpuPercent(), 10);
  assert.equal(usage.cpuPercent(), 30);
  assert.equal(usage.cpuPercent(), undefined);
  assert.equal(usage.memoryPercent(), 75);
  const real = new ResourceUsage();
  const cpu = real.cpuPercent();
  assert.ok(cpu !== undefined && cpu >= 0 && cpu <= 100);
});

test("a child traceparent keeps the trace id and flags and has a new span id", () => {
  const parent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
  const child = childTraceparent(parent);
  assert.match(child ?? "", /^00-0af7651916cd43dd8448eb211c80319c-[0-9a-f]{16}-01$/);
  assert.notEqual(child, parent);
  assert.equal(childTraceparent("garbage"), null);
  assert.equal(childTraceparent(null), null);
});
