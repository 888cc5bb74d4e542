import assert from "node:assert/strict";
import { test } from "node:test";

import { decode, encode, FrameError } from "../src/frames.js";

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
  assert.equal(decode('{"type":"input_request","task_id":"t"}'), undefined);
  assert.throws(() => decode("not json"), FrameError);
  assert.throws(() => decode("[1]"), FrameError);
  assert.throws(() => decode('{"task_id":"t"}'), FrameError);
  assert.throws(() => decode('{"type":"task_cancel","task_id":"t","lease_epoch":"1"}'), FrameError);
  assert.equal(decode('{"type":"constructor"}'), undefined);
});
