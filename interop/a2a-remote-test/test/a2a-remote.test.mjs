// Remote A2A agents built with the official A2A JavaScript SDK's server (@a2a-js/sdk) as fleet
// members of Nexus: registered by their Agent Card URL, they get tasks through
// SendStreamingMessage with the lease in metadata.nexus, and their answers complete the tasks.
// One remote agent is killed (SIGKILL) in the middle of a task: the task is completed by the
// second remote agent.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { createServer } from "node:net";
import { dirname, resolve } from "node:path";
import { after, before, test } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath } from "node:url";

import { NexusServer } from "../../support/nexus.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const SKILL = "js-remote-echo";

let nexus;
const remotes = [];

async function freePort() {
  return new Promise((done, fail) => {
    const probe = createServer();
    probe.once("error", fail);
    probe.listen(0, "127.0.0.1", () => {
      const { port } = probe.address();
      probe.close(() => done(port));
    });
  });
}

/** Starts a remote agent process of the SDK's server; resolves once it listens. */
async function startRemote(name) {
  const port = await freePort();
  const child = spawn("node", [resolve(here, "../lib/remote-agent.mjs"), String(port), name, SKILL], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  const remote = { name, port, child, lines: [], cardUrl: `http://127.0.0.1:${port}/.well-known/agent-card.json` };
  remotes.push(remote);
  let buffer = "";
  child.stdout.on("data", (chunk) => {
    buffer += chunk;
    let newline;
    while ((newline = buffer.indexOf("\n")) >= 0) {
      remote.lines.push(buffer.slice(0, newline));
      buffer = buffer.slice(newline + 1);
    }
  });
  await until(() => remote.lines.some((line) => line.startsWith("listening")), `${name} listens`);
  return remote;
}

async function until(condition, what, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await condition()) {
      return;
    }
    await sleep(100);
  }
  throw new Error(`timed out waiting until ${what}`);
}

async function register(remote) {
  return nexus.call("POST", "/api/a2a/agents", { card_url: remote.cardUrl, id: `js-${remote.name}`, max_concurrent_tasks: 2 });
}

async function online(id) {
  return (await nexus.call("GET", `/api/agents/${id}`)).online;
}

async function taskStatus(id) {
  return nexus.call("GET", `/api/tasks/${id}`);
}

before(async () => {
  nexus = await NexusServer.start({
    name: "a2a-remote",
    args: [
      // the remote agents of the test listen on loopback
      "--nexus.a2a.remote.allowed-networks=127.0.0.0/8",
      "--nexus.a2a.remote.card-refresh-interval=500ms",
      "--nexus.a2a.remote.max-failures=2",
    ],
  });
});

after(async () => {
  for (const remote of remotes) {
    remote.child.kill("SIGKILL");
  }
  if (nexus) {
    await nexus.stop();
  }
});

test("a remote agent of the A2A SDK is registered by its card and completes a task", async () => {
  const alpha = await startRemote("alpha");
  const registered = await register(alpha);
  assert.deepEqual(registered.capabilities, [SKILL]);
  assert.equal(registered.labels.kind, "a2a");
  assert.equal(registered.streaming, true);
  await until(() => online("js-alpha"), "js-alpha is online");

  const task = await nexus.call("POST", "/api/tasks", {
    title: "echo this", required_capabilities: [SKILL], payload: { n: 1 }, timeout_seconds: 60,
  });
  await until(async () => (await taskStatus(task.id)).status === "completed", "the task is completed");
  const done = await taskStatus(task.id);
  assert.equal(done.assigned_agent_id, "js-alpha");
  assert.deepEqual(done.result, { by: "alpha", echo: { n: 1 } });
  assert.equal(done.progress_message, "alpha is working");
  const received = alpha.lines.filter((line) => line.startsWith("received ")).map((line) => JSON.parse(line.slice(9)));
  const mine = received.find((entry) => entry.nexus?.taskId === task.id);
  assert.ok(mine, `the remote agent got metadata.nexus for ${task.id}: ${JSON.stringify(received)}`);
  assert.equal(mine.nexus.leaseEpoch, 1);
  assert.equal(mine.nexus.attempt, 1);
});

test("a remote agent killed mid-task: the task is completed by the second remote agent", async () => {
  const beta = await startRemote("beta");
  await register(beta);
  await until(() => online("js-beta"), "js-beta is online");
  // only the doomed agent may take the task at first
  await nexus.call("PUT", "/api/agents/js-beta", { status: "paused" });
  const alpha = remotes.find((remote) => remote.name === "alpha");

  const task = await nexus.call("POST", "/api/tasks", {
    title: "a long one", required_capabilities: [SKILL], payload: { delay_ms: 60_000 }, timeout_seconds: 120,
    max_attempts: 10,
  });
  await until(() => alpha.lines.some((line) => line.includes(task.id)), "the first remote agent has the task");
  assert.equal((await taskStatus(task.id)).assigned_agent_id, "js-alpha");
  await nexus.call("PUT", "/api/agents/js-beta", { status: "active" });
  alpha.child.kill("SIGKILL");

  await until(async () => !(await online("js-alpha")), "the killed agent is offline");
  await until(async () => (await taskStatus(task.id)).status === "completed", "the task is completed", 90_000);
  const done = await taskStatus(task.id);
  assert.equal(done.assigned_agent_id, "js-beta");
  assert.equal(done.result.by, "beta");
  assert.ok(done.lease_epoch >= 2, `a new lease: ${done.lease_epoch}`);
  const remote = await nexus.call("GET", "/api/a2a/agents/js-alpha");
  assert.equal(remote.reachable, false);
});
