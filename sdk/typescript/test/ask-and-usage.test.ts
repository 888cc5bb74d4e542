import assert from "node:assert/strict";
import { after, test } from "node:test";

import { NexusAgent, QuestionRefusedError, TaskCancelledError, type NexusAgentOptions } from "../src/index.js";
import type { TaskContext } from "../src/task.js";
import { eventually, FakeNexus, latch, recordingLogger, type Wire } from "./fake-nexus.js";

const servers: FakeNexus[] = [];
const agents: NexusAgent[] = [];

after(async () => {
  for (const agent of agents) {
    agent.kill();
  }
  for (const server of servers) {
    await server.stop();
  }
});

async function aServer(): Promise<FakeNexus> {
  const server = await FakeNexus.start();
  servers.push(server);
  return server;
}

function anAgent(nexus: FakeNexus, handler: (task: TaskContext) => unknown, options: Partial<NexusAgentOptions> = {}): NexusAgent {
  const agent = new NexusAgent({
    serverUri: nexus.uri,
    agentId: "ts-agent",
    token: "nxa_secret",
    handler,
    initialBackoffMs: 20,
    maxBackoffMs: 50,
    logger: recordingLogger(),
    ...options,
  });
  agents.push(agent);
  return agent;
}

function answer(question: Wire, value: unknown, leaseEpoch = question.lease_epoch): Wire {
  return { type: "input_response", task_id: question.task_id, lease_epoch: leaseEpoch, request_id: question.request_id, answer: value };
}

const SCHEMA = { type: "object", required: ["approved"], properties: { approved: { type: "boolean" } } };

test("askHuman sends input_request and returns the answer of input_response", async () => {
  const nexus = await aServer();
  const agent = anAgent(nexus, async (task) => {
    const reply = await task.askHuman("Deploy build 512?", SCHEMA, { timeoutSeconds: 90.4 });
    return { reply };
  });
  agent.start();
  const connection = await nexus.connection(0);
  connection.register();
  connection.assign("t1", 1);
  connection.ack(await connection.next("task_accept"));
  const question = await connection.next("input_request");
  assert.deepEqual(
    [question.task_id, question.lease_epoch, question.prompt, question.schema, question.timeout_seconds],
    ["t1", 1, "Deploy build 512?", SCHEMA, 90],
  );
  assert.equal(typeof question.request_id, "string");
  assert.equal(typeof question.id, "string");
  connection.ack(question);
  connection.send(answer(question, { approved: true }));
  connection.send(answer(question, { approved: false })); // a repeated answer changes nothing
  const complete = await connection.next("task_complete");
  assert.deepEqual(complete.result, { reply: { approved: true } });
  agent.kill();
});

test("a question still open after a reconnection is asked again with the same request_id", async () => {
  const nexus = await aServer();
  const agent = anAgent(nexus, async (task) => ({ reply: await task.askHuman("Which region?") }));
  agent.start();
  const first = await nexus.connection(0);
  first.register();
  first.assign("t1", 4);
  const question = await first.next("input_request");
  assert.equal("schema" in question, false);
  first.socket.terminate();
  const second = await nexus.connection(1);
  await second.next("agent_register");
  second.register({ resumed_tasks: [{ task_id: "t1", lease_epoch: 4 }] });
  const again = await second.next("input_request");
  assert.deepEqual([again.request_id, again.lease_epoch, again.prompt], [question.request_id, 4, "Which region?"]);
  assert.notEqual(again.id, question.id);
  second.ack(again);
  second.send(answer(again, "eu-west"));
  assert.deepEqual((await second.next("task_complete")).result, { reply: "eu-west" });
  agent.kill();
});

test("an answer that follows task_assigned (a re-dispatch) is returned by the first askHuman without asking", async () => {
  const nexus = await aServer();
  const asked = latch();
  const agent = anAgent(nexus, async (task) => {
    await asked.promise;
    return { reply: await task.askHuman("Deploy?", SCHEMA) };
  });
  agent.start();
  const connection = await nexus.connection(0);
  connection.register();
  connection.assign("t1", 2);
  connection.send({ type: "input_response", task_id: "t1", lease_epoch: 2, request_id: "old-question", answer: { approved: true } });
  connection.send({ type: "input_response", task_id: "t1", lease_epoch: 1, request_id: "other", answer: "an old lease's" });
  await connection.next("task_accept");
  connection.send({ type: "ping", sent_at: 1 }); // a round trip: the answers have been read
  await connection.next("heartbeat", (f) => Array.isArray(f.running_tasks) && f.running_tasks.includes("t1"));
  asked.release();
  assert.deepEqual((await connection.next("task_complete")).result, { reply: { approved: true } });
  assert.deepEqual(connection.all("input_request"), []);
  agent.kill();
});

test("a refused question rejects with QuestionRefusedError and the task goes on", async () => {
  const nexus = await aServer();
  const agent = anAgent(nexus, async (task) => {
    try {
      await task.askHuman("Pick one", { type: "string", pattern: "^a" });
      return { refused: false };
    } catch (error) {
      return { refused: error instanceof QuestionRefusedError, message: (error as Error).message };
    }
  });
  agent.start();
  const connection = await nexus.connection(0);
  connection.register();
  connection.assign("t1", 1);
  const question = await connection.next("input_request");
  connection.send({ type: "error", id: question.id, code: "invalid_frame", message: "schema keyword pattern", retryable: null });
  const complete = await connection.next("task_complete");
  assert.deepEqual(complete.result, { refused: true, message: "Nexus refused the question: invalid_frame: schema keyword pattern" });
  agent.kill();
});

test("task_cancel while waiting for an answer rejects askHuman with TaskCancelledError", async () => {
  const nexus = await aServer();
  const outcome = latch();
  let error: unknown;
  const agent = anAgent(nexus, async (task) => {
    try {
      return await task.askHuman("Still there?");
    } catch (thrown) {
      error = thrown;
      outcome.release();
      throw thrown;
    }
  });
  agent.start();
  const connection = await nexus.connection(0);
  connection.register();
  connection.assign("t1", 1);
  await connection.next("input_request");
  connection.send({ type: "task_cancel", task_id: "t1", lease_epoch: 1, reason: "input_timeout: no answer within 60s" });
  await outcome.promise;
  assert.ok(error instanceof TaskCancelledError);
  assert.match((error as Error).message, /input_timeout/);
  assert.deepEqual(agent.runningTasks, []);
  agent.kill();
});

test("reportUsage goes out at once on a task_progress, and what is left goes with the result", async () => {
  const nexus = await aServer();
  const more = latch();
  const agent = anAgent(nexus, async (task) => {
    task.progress(30, "reading");
    task.reportUsage({ input_tokens: 1200, output_tokens: 350, cost: 0.0042, model: "gpt-4o-mini" });
    await more.promise;
    task.reportUsage({ input_tokens: 10, cost: 0.001 });
    task.reportUsage({ input_tokens: 5, output_tokens: 1, model: "gpt-4o" });
    return { done: true };
  });
  agent.start();
  const connection = await nexus.connection(0);
  connection.register();
  connection.assign("t1", 1);
  await connection.next("task_progress", (f) => f.usage === undefined);
  const report = await connection.next("task_progress", (f) => f.usage !== undefined);
  assert.deepEqual([report.progress, report.message], [30, "reading"]);
  assert.deepEqual(report.usage, { input_tokens: 1200, output_tokens: 350, cost: 0.0042, model: "gpt-4o-mini" });
  assert.equal(typeof report.id, "string");
  connection.send({ type: "error", id: report.id, code: "unavailable", message: "database away", retryable: true });
  const resent = await connection.next("task_progress", (f) => f.usage !== undefined);
  assert.deepEqual([resent.id, resent.usage], [report.id, report.usage]);
  connection.ack(resent);
  more.release();
  // each report goes on its own progress frame while connected: deltas, never repeated
  const deltas = [
    (await connection.next("task_progress", (f) => f.usage !== undefined)).usage,
    (await connection.next("task_progress", (f) => f.usage !== undefined)).usage,
  ];
  assert.deepEqual(deltas, [{ input_tokens: 10, cost: 0.001 }, { input_tokens: 5, output_tokens: 1, model: "gpt-4o" }]);
  const complete = await connection.next("task_complete");
  assert.equal(complete.usage, undefined);
  agent.kill();
});

test("usage reported while disconnected is kept, summed and sent after the reconnection or with the result", async () => {
  const nexus = await aServer();
  const away = latch();
  const finish = latch();
  const agent = anAgent(nexus, async (task) => {
    await away.promise;
    task.reportUsage({ input_tokens: 100, output_tokens: 10, cost: 0.5, currency: "EUR" });
    task.reportUsage({ input_tokens: 50, model: "m1" });
    assert.throws(() => task.reportUsage({ input_tokens: -1 }), RangeError);
    await finish.promise;
    task.reportUsage({ output_tokens: 7 });
    return { done: true };
  });
  agent.start();
  const first = await nexus.connection(0);
  first.register();
  first.assign("t1", 1);
  await first.next("task_accept");
  agent.dropConnection(200);
  await eventually(() => !agent.connected, "the agent to notice the drop");
  away.release();
  const second = await nexus.connection(1);
  await second.next("agent_register");
  second.register({ resumed_tasks: [{ task_id: "t1", lease_epoch: 1 }] });
  const kept = await second.next("task_progress");
  assert.deepEqual(kept.usage, { input_tokens: 150, output_tokens: 10, cost: 0.5, currency: "EUR", model: "m1" });
  assert.equal("progress" in kept, false); // no progress was reported: none is claimed
  second.ack(kept);
  agent.dropConnection(200);
  await eventually(() => !agent.connected, "the agent to notice the second drop");
  finish.release();
  const third = await nexus.connection(2);
  await third.next("agent_register");
  third.register({ resumed_tasks: [{ task_id: "t1", lease_epoch: 1 }] });
  const complete = await third.next("task_complete");
  assert.deepEqual(complete.usage, { output_tokens: 7 });
  agent.kill();
});
