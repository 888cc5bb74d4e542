import assert from "node:assert/strict";
import { after, before, test } from "node:test";

import { AgentRejectedError, NexusAgent, NonRetryableTaskError, type NexusAgentOptions } from "../src/index.js";
import type { TaskContext } from "../src/task.js";
import { eventually, FakeNexus, latch, recordingLogger } from "./fake-nexus.js";

let nexus: FakeNexus;
const agents: NexusAgent[] = [];

before(async () => {
  nexus = await FakeNexus.start();
});

after(async () => {
  for (const agent of agents) {
    agent.kill();
  }
  await nexus.stop();
});

/** A new fake server per test, so that connection numbers start at 0. */
async function fresh(): Promise<FakeNexus> {
  await nexus.stop();
  nexus = await FakeNexus.start();
  return nexus;
}

function anAgent(handler: (task: TaskContext) => unknown, options: Partial<NexusAgentOptions> = {}): NexusAgent {
  const agent = new NexusAgent({
    serverUri: nexus.uri,
    agentId: "ts-agent",
    token: "nxa_secret",
    capabilities: ["test"],
    handler,
    initialBackoffMs: 20,
    maxBackoffMs: 50,
    logger: recordingLogger(),
    ...options,
  });
  agents.push(agent);
  return agent;
}


test("registers with its token and capabilities, runs a task and reports progress and result", async () => {
  await fresh();
  const agent = anAgent(async (task) => {
    task.progress(150, "halfway");
    return { echo: task.payload, epoch: task.leaseEpoch };
  });
  agent.start();
  const connection = await nexus.connection(0);
  const register = await connection.next("agent_register");
  assert.equal(connection.authorization, "Bearer nxa_secret");
  assert.deepEqual(
    [register.agent_id, register.token, register.capabilities, register.protocol_version, register.running_tasks],
    ["ts-agent", "nxa_secret", ["test"], 1, []],
  );
  connection.register();
  assert.equal(await agent.waitRegistered(5000), true);
  const heartbeat = await connection.next("heartbeat");
  assert.equal(typeof heartbeat.memory_usage, "number");
  assert.equal(typeof heartbeat.sent_at, "number");

  connection.assign("t1", 1, { text: "hello" });
  const accept = await connection.next("task_accept");
  assert.deepEqual([accept.task_id, accept.lease_epoch], ["t1", 1]);
  connection.ack(accept);
  const progress = await connection.next("task_progress");
  assert.deepEqual([progress.progress, progress.message, progress.lease_epoch], [100, "halfway", 1]);
  const complete = await connection.next("task_complete");
  assert.deepEqual(complete.result, { echo: { text: "hello" }, epoch: 1 });
  assert.deepEqual(agent.runningTasks, ["t1"]);
  connection.ack(complete);
  await eventually(() => agent.runningTasks.length === 0, "the ack to release the task");
  agent.kill();
});

test("a failure is retryable unless the handler throws NonRetryableTaskError", async () => {
  await fresh();
  const agent = anAgent(async (task) => {
    throw (task.payload as { final: boolean }).final ? new NonRetryableTaskError("bad input") : new Error("network down");
  }, { maxConcurrency: 2 });
  agent.start();
  const connection = await nexus.connection(0);
  connection.register();
  connection.assign("final", 1, { final: true });
  connection.assign("flaky", 1, { final: false });
  const final = await connection.next("task_fail", (f) => f.task_id === "final");
  assert.deepEqual([final.error, final.retryable], ["bad input", false]);
  const flaky = await connection.next("task_fail", (f) => f.task_id === "flaky");
  assert.deepEqual([flaky.error, flaky.retryable], ["Error: network down", true]);
  agent.kill();
});

test("task_cancel aborts the handler's signal and nothing more is sent for the lease", async () => {
  await fresh();
  let seen: TaskContext | undefined;
  const aborted = latch();
  const agent = anAgent(async (task) => {
    seen = task;
    task.signal.addEventListener("abort", () => aborted.release());
    await aborted.promise;
    return { too: "late" };
  });
  agent.start();
  const connection = await nexus.connection(0);
  connection.register();
  connection.assign("t1", 3);
  await connection.next("task_accept");
  connection.send({ type: "task_cancel", task_id: "t1", lease_epoch: 3, reason: "not needed" });
  await aborted.promise;
  assert.equal(seen?.cancelled, true);
  assert.deepEqual(agent.runningTasks, []);
  connection.send({ type: "ping", sent_at: 1 }); // a round trip, so that a late result would have arrived
  await connection.next("heartbeat", (f) => Array.isArray(f.running_tasks) && f.running_tasks.length === 0);
  assert.deepEqual(connection.all("task_complete"), []);
  agent.kill();
});

test("after a lost connection it lists its leases, keeps the resumed ones and sends unacknowledged results again", async () => {
  await fresh();
  const gate = latch();
  const agent = anAgent(async (task) => {
    if (task.taskId === "done") {
      return { done: true };
    }
    await gate.promise;
    return { kept: task.leaseEpoch };
  }, { maxConcurrency: 3 });
  agent.start();
  const first = await nexus.connection(0);
  first.register();
  first.assign("kept", 2);
  first.assign("lost", 1);
  first.assign("done", 1);
  await first.next("task_complete"); // of "done": not acknowledged before the drop
  first.socket.terminate();

  const second = await nexus.connection(1);
  const register = await second.next("agent_register");
  const listed = (register.running_tasks as Array<{ task_id: string; lease_epoch: number }>)
    .map((lease) => `${lease.task_id}@${lease.lease_epoch}`)
    .sort();
  assert.deepEqual(listed, ["done@1", "kept@2", "lost@1"]);
  second.register({ resumed_tasks: [{ task_id: "kept", lease_epoch: 2 }, { task_id: "done", lease_epoch: 1 }] });
  const again = await second.next("task_complete");
  assert.deepEqual([again.task_id, again.result], ["done", { done: true }]);
  await eventually(() => !agent.runningTasks.includes("lost"), "the lease Nexus did not resume to be dropped");
  gate.release();
  const kept = await second.next("task_complete", (f) => f.task_id === "kept");
  assert.deepEqual(kept.result, { kept: 2 });
  agent.kill();
});

test("close code 4503 makes it reconnect at once, to the next server", async () => {
  await fresh();
  const other = await FakeNexus.start();
  try {
    const agent = anAgent(async () => ({}), {
      serverUri: [nexus.uri, other.uri],
      initialBackoffMs: 60_000,
      maxBackoffMs: 60_000,
    });
    agent.start();
    const first = await nexus.connection(0);
    first.register();
    await agent.waitRegistered(5000);
    first.socket.close(4503, "reconnect: this node is shutting down");
    const second = await other.connection(0);
    await second.next("agent_register");
    second.register();
    assert.equal(await agent.waitRegistered(5000), true);
    agent.kill();
  } finally {
    await other.stop();
  }
});

test("a result refused with retryable unavailable is sent again with the same id until acknowledged", async () => {
  await fresh();
  const agent = anAgent(async () => ({ ok: true }));
  agent.start();
  const connection = await nexus.connection(0);
  connection.register();
  connection.assign("t1", 1);
  const first = await connection.next("task_complete");
  connection.send({ type: "error", id: first.id, code: "unavailable", message: "database away", retryable: true });
  const second = await connection.next("task_complete");
  assert.equal(second.id, first.id);
  connection.ack(second);
  await eventually(() => agent.runningTasks.length === 0, "the ack to release the task");
  agent.kill();
});

test("a stale_lease refusal drops the task and its result", async () => {
  await fresh();
  const agent = anAgent(async () => ({ ok: true }));
  agent.start();
  const connection = await nexus.connection(0);
  connection.register();
  connection.assign("t1", 1);
  const complete = await connection.next("task_complete");
  connection.send({ type: "error", id: complete.id, code: "stale_lease", message: "lease over", retryable: null });
  await eventually(() => agent.runningTasks.length === 0, "the task to be dropped");
  agent.kill();
});

test("refused credentials stop the agent", async () => {
  await fresh();
  const agent = anAgent(async () => ({}));
  agent.start();
  const connection = await nexus.connection(0);
  await connection.next("agent_register");
  connection.send({ type: "error", id: null, code: "unauthorized", message: "unknown agent or wrong token", retryable: null });
  connection.socket.close(4401, "unauthorized");
  await assert.rejects(agent.waitRegistered(5000), AgentRejectedError);
  assert.equal(agent.stopped, true);
});

test("a handshake refused with HTTP 401 stops the agent", async () => {
  const refusing = await FakeNexus.start(401);
  try {
    const agent = anAgent(async () => ({}), { serverUri: refusing.uri });
    agent.start();
    await assert.rejects(agent.waitRegistered(5000), /HTTP 401/);
    assert.equal(agent.stopped, true);
  } finally {
    await refusing.stop();
  }
});

test("fails over to the next server when one is down", async () => {
  await fresh();
  const down = await FakeNexus.start();
  const downUri = down.uri;
  await down.stop();
  const agent = anAgent(async () => ({}), { serverUri: [downUri, nexus.uri] });
  agent.start();
  const connection = await nexus.connection(0);
  await connection.next("agent_register");
  connection.register();
  assert.equal(await agent.waitRegistered(5000), true);
  agent.kill();
});

test("an enrolled agent uses the token Nexus issued from then on", async () => {
  await fresh();
  const agent = anAgent(async () => ({}), { token: undefined, enrollmentKey: "nxe_key" });
  agent.start();
  const first = await nexus.connection(0);
  assert.equal(first.authorization, undefined);
  assert.equal((await first.next("agent_register")).token, "nxe_key");
  first.register({ token: "nxa_issued" });
  await agent.waitRegistered(5000);
  assert.equal(agent.issuedToken, "nxa_issued");
  agent.dropConnection(0);
  const second = await nexus.connection(1);
  assert.equal((await second.next("agent_register")).token, "nxa_issued");
  assert.equal(second.authorization, "Bearer nxa_issued");
  agent.kill();
});

test("close() drains: says so, refuses new work, waits for the ack, then closes with 1000", async () => {
  await fresh();
  const gate = latch();
  const agent = anAgent(async () => {
    await gate.promise;
    return { finished: true };
  });
  agent.start();
  const connection = await nexus.connection(0);
  connection.register();
  connection.assign("running", 1);
  await connection.next("task_accept");
  const closing = agent.close();
  await connection.next("status_update", (f) => f.status === "draining");
  connection.assign("late", 1);
  const refused = await connection.next("task_fail");
  assert.deepEqual([refused.task_id, refused.retryable], ["late", true]);
  gate.release();
  const complete = await connection.next("task_complete");
  assert.equal(connection.closed, false);
  connection.ack(complete);
  await closing;
  await connection.waitClosed();
  assert.deepEqual(nexus.closeCodes, [1000]);
  assert.equal(agent.stopped, true);
});

test("messages go to and come from other agents", async () => {
  await fresh();
  const agent = anAgent(async () => ({}));
  const received: unknown[] = [];
  agent.onMessage((message) => {
    received.push(message);
  });
  agent.onMessage(() => {
    throw new Error("a broken listener does not stop the others");
  });
  assert.equal(agent.sendMessage({ text: "early" }, { agent: "b" }), false);
  agent.start();
  const connection = await nexus.connection(0);
  connection.register();
  await agent.waitRegistered(5000);
  assert.equal(agent.sendMessage({ text: "hi" }, { agent: "b" }), true);
  const sent = await connection.next("message");
  assert.deepEqual([sent.to_agent, sent.body, "to_capability" in sent], ["b", { text: "hi" }, false]);
  agent.sendMessage([1, 2], { capability: "gpu" });
  assert.equal((await connection.next("message")).to_capability, "gpu");
  connection.send({ type: "message", id: null, to_agent: "ts-agent", to_capability: null, from_agent: "b", body: { n: 1 } });
  await eventually(() => received.length === 1, "the message to reach the listener");
  assert.deepEqual(received[0], {
    type: "message",
    id: null,
    to_agent: "ts-agent",
    to_capability: null,
    from_agent: "b",
    body: { n: 1 },
  });
  agent.kill();
});

test("options are checked", () => {
  const base = { serverUri: "ws://localhost:4100/ws", agentId: "a", token: "nxa_x", handler: async () => null };
  assert.throws(() => new NexusAgent({ ...base, serverUri: "http://localhost" }), TypeError);
  assert.throws(() => new NexusAgent({ ...base, enrollmentKey: "nxe_y" }), TypeError);
  assert.throws(() => new NexusAgent({ ...base, maxConcurrency: 0 }), RangeError);
  assert.throws(() => new NexusAgent({ ...base, agentId: "" }), TypeError);
});
