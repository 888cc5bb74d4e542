import assert from "node:assert/strict";
import { test } from "node:test";

import { decode, encode, FrameError } from "../src/frames.js";
import { addUsage, usageProblem } from "../src/usage-report.js";

test("encode writes wire names and leaves out absent fields", () => {
  const text = encode({ type: "task_complete", id: "f1", task_id: "t1", lease_epoch: 2, result: { a: null } });
  assert.deepEqual(JSON.parse(text), { type: "task_complete", id: "f1", task_id: "t1", lease_epoch: 2, result: { a: null } });
  const register = JSON.parse(
    encode({ type: "agent_register", agent_id: "a", protocol_version: 1, running_tasks: [{ task_id: "t", lease_epoch: 3 }] }),
  );
  assert.deepEqual(register.running_tasks, [{ task_id: "t", lease_epoch: 3 }]);
  assert.equal("token" in register, false);
});

test("decode reads the frames Nexus sends and ignores unknown fields", () => {
  const registered = decode(
    '{"type":"registered","agent_id":"a","protocol_version":1,"heartbeat_interval_seconds":10,"token":null,' +
      '"resumed_tasks":[{"task_id":"t1","lease_epoch":4}],"something_new":true}',
  );
  assert.deepEqual(registered, {
    type: "registered",
    agent_id: "a",
    protocol_version: 1,
    heartbeat_interval_seconds: 10,
    token: null,
    resumed_tasks: [{ task_id: "t1", lease_epoch: 4 }],
  });
  const error = decode('{"type":"error","id":"f3","code":"unavailable","message":"db away","retryable":true}');
  assert.deepEqual(error, { type: "error", id: "f3", code: "unavailable", message: "db away", retryable: true });
  const assigned = decode('{"type":"task_assigned","task_id":"t","lease_epoch":1,"payload":{"x":[1]}}');
  assert.equal(assigned?.type, "task_assigned");
  assert.deepEqual(assigned?.type === "task_assigned" ? assigned.payload : undefined, { x: [1] });
});

test("decode gives undefined for an unknown type and refuses what is not a frame", () => {
  assert.equal(decode('{"type":"a_newer_frame","task_id":"t"}'), undefined);
  assert.throws(() => decode("not json"), FrameError);
  assert.throws(() => decode("[1]"), FrameError);
  assert.throws(() => decode('{"task_id":"t"}'), FrameError);
  assert.throws(() => decode('{"type":"task_cancel","task_id":"t","lease_epoch":"1"}'), FrameError);
  assert.equal(decode('{"type":"constructor"}'), undefined);
});

test("input_response is read, and usage and input_request are written as the protocol names them", () => {
  assert.deepEqual(
    decode('{"type":"input_response","task_id":"t","lease_epoch":2,"request_id":"q1","answer":{"approved":true}}'),
    { type: "input_response", task_id: "t", lease_epoch: 2, request_id: "q1", answer: { approved: true } },
  );
  assert.throws(() => decode('{"type":"input_response","task_id":"t","lease_epoch":2}'), FrameError);
  const progress = JSON.parse(
    encode({ type: "task_progress", id: "f2", task_id: "t", lease_epoch: 1, usage: { input_tokens: 5, model: "m" } }),
  );
  assert.deepEqual(progress.usage, { input_tokens: 5, model: "m" });
  const question = JSON.parse(
    encode({ type: "input_request", id: "f3", task_id: "t", lease_epoch: 1, request_id: "q", prompt: "ok?" }),
  );
  assert.deepEqual(question, { type: "input_request", id: "f3", task_id: "t", lease_epoch: 1, request_id: "q", prompt: "ok?" });
});

test("usage reports are checked against the protocol's bounds and summed", () => {
  assert.equal(usageProblem({ input_tokens: 0, output_tokens: 1_000_000_000, cost: 0.5, currency: "EUR", model: "gpt" }), undefined);
  assert.equal(usageProblem({}), undefined);
  assert.match(usageProblem({ input_tokens: -1 }) ?? "", /usage.input_tokens/);
  assert.match(usageProblem({ output_tokens: 1.5 }) ?? "", /usage.output_tokens/);
  assert.match(usageProblem({ input_tokens: 1_000_000_001 }) ?? "", /usage.input_tokens/);
  assert.match(usageProblem({ cost: Number.NaN }) ?? "", /usage.cost/);
  assert.match(usageProblem({ cost: 1_000_001 }) ?? "", /usage.cost/);
  assert.match(usageProblem({ currency: "usd" }) ?? "", /usage.currency/);
  assert.match(usageProblem({ model: "" }) ?? "", /usage.model/);
  assert.match(usageProblem({ model: "x".repeat(129) }) ?? "", /usage.model/);
  assert.match(usageProblem({ model: "a\nb" }) ?? "", /usage.model/);
  assert.match(usageProblem({ tokens: 3 } as never) ?? "", /usage.tokens is not/);
  assert.deepEqual(addUsage({ input_tokens: 1, cost: 0.25, model: "a" }, { input_tokens: 2, output_tokens: 3, cost: 0.5, model: "b" }), {
    input_tokens: 3,
    output_tokens: 3,
    cost: 0.75,
    model: "b",
  });
  assert.deepEqual(addUsage({ cost: 1, currency: "EUR" }, { input_tokens: 4 }), { input_tokens: 4, cost: 1, currency: "EUR" });
  assert.throws(() => addUsage({ cost: 1, currency: "EUR" }, { cost: 1 }), RangeError);
});
