// The official A2A JavaScript SDK's client (@a2a-js/sdk, A2A 1.0) driving Nexus's A2A server over
// both of its bindings, JSON-RPC and HTTP+JSON: the Agent Card, send (blocking and not), stream,
// get, list, cancel, subscribe, push notification configs (with a node:http receiver), roles and
// errors. The work is done by a Nexus agent of the TypeScript SDK (@nexus/agent).
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { createServer } from "node:http";
import { after, before, describe, test } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";

import { Role, TaskState } from "@a2a-js/sdk";
import {
  ClientFactory,
  DefaultAgentCardResolver,
  JsonRpcTransportFactory,
  RestTransportFactory,
} from "@a2a-js/sdk/client";
import { NexusAgent } from "@nexus/agent";

import { NexusServer } from "../../support/nexus.mjs";

const CAPABILITY = "a2a-js-echo";

let nexus;
let agent;
let operator;
let viewer;

/**
 * A client of the SDK that authenticates with a Nexus API key; its factory picks the interface of
 * the card that its one transport speaks.
 */
async function clientWith(key, binding = "JSONRPC") {
  const fetchImpl = (url, init = {}) => {
    const headers = new Headers(init.headers);
    headers.set("Authorization", `Bearer ${key}`);
    return fetch(url, { ...init, headers });
  };
  const transport =
    binding === "JSONRPC" ? new JsonRpcTransportFactory({ fetchImpl }) : new RestTransportFactory({ fetchImpl });
  const factory = new ClientFactory({
    transports: [transport],
    cardResolver: new DefaultAgentCardResolver({ fetchImpl }),
  });
  return factory.createFromUrl(nexus.baseUrl);
}

function listRequest(contextId) {
  return {
    tenant: "",
    contextId,
    status: TaskState.TASK_STATE_UNSPECIFIED,
    pageSize: 10,
    pageToken: "",
    historyLength: undefined,
    statusTimestampAfter: undefined,
    includeArtifacts: true,
  };
}

function message(text, { skill = CAPABILITY, taskId = "", contextId = "" } = {}) {
  return {
    messageId: randomUUID(),
    contextId,
    taskId,
    role: Role.ROLE_USER,
    parts: [{ content: { $case: "text", value: text }, metadata: undefined, filename: "", mediaType: "" }],
    metadata: taskId ? undefined : { skill },
    extensions: [],
    referenceTaskIds: [],
  };
}

function send(text, options = {}, configuration = undefined) {
  return { tenant: "", message: message(text, options), configuration, metadata: undefined };
}

/** An HTTP receiver of push notifications on loopback that records what it gets. */
async function pushReceiver() {
  const received = [];
  const server = createServer((request, response) => {
    let body = "";
    request.setEncoding("utf8");
    request.on("data", (chunk) => (body += chunk));
    request.on("end", () => {
      received.push({ path: request.url, headers: request.headers, body: JSON.parse(body) });
      response.writeHead(204).end();
    });
  });
  await new Promise((done) => server.listen(0, "127.0.0.1", done));
  const url = (path) => `http://127.0.0.1:${server.address().port}${path}`;
  return { received, url, close: () => new Promise((done) => server.close(done)) };
}

async function until(condition, what, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) {
      throw new Error(`timed out waiting for ${what}`);
    }
    await sleep(50);
  }
}

function dataOf(task) {
  const part = task.artifacts?.[0]?.parts?.[0];
  assert.equal(part?.content?.$case, "data", `an artifact with a data part in ${JSON.stringify(task)}`);
  return part.content.value;
}

before(async () => {
  nexus = await NexusServer.start({
    name: "a2a-client",
    args: [
      "--nexus.a2a.poll-interval=200ms",
      // the push notification receiver of the test listens on loopback
      "--nexus.webhooks.allowed-networks=127.0.0.1/32",
      "--nexus.webhooks.poll-interval=200ms",
    ],
  });
  const token = await nexus.createAgent("a2a-js-agent", [CAPABILITY]);
  // "echo <text>" answers at once; "slow" reports progress for a while; "wait" runs until cancelled
  agent = new NexusAgent({
    serverUri: nexus.wsUrl,
    agentId: "a2a-js-agent",
    token,
    capabilities: [CAPABILITY],
    maxConcurrency: 4,
    handler: async (task) => {
      const text = String(task.payload?.text ?? "");
      if (text === "wait") {
        await new Promise((resolve) => task.signal.addEventListener("abort", resolve, { once: true }));
        return null;
      }
      if (text === "slow") {
        for (let step = 1; step <= 3; step++) {
          task.progress(25 * step, `step ${step}`);
          await sleep(400, undefined, { signal: task.signal });
        }
      }
      return { echo: text };
    },
  });
  agent.start();
  assert.ok(await agent.waitRegistered(30_000), "the agent registers");
  operator = await nexus.apiKey("operator");
  viewer = await nexus.apiKey("viewer");
});

after(async () => {
  await agent?.close();
  await nexus?.stop();
});

describe("Nexus as an A2A 1.0 server, driven by @a2a-js/sdk", () => {
  test("the Agent Card names the JSON-RPC interface first, streaming and one skill per capability", async () => {
    const client = await clientWith(operator);
    const card = client.agentCard;
    assert.equal(card.supportedInterfaces[0].protocolBinding, "JSONRPC");
    assert.equal(card.supportedInterfaces[0].protocolVersion, "1.0");
    assert.equal(card.capabilities.streaming, true);
    assert.equal(card.capabilities.pushNotifications, true);
    assert.ok(card.skills.some((skill) => skill.id === CAPABILITY), JSON.stringify(card.skills));
    assert.equal(client.protocolVersion, "1.0");
  });

  test("a blocking send returns the completed task with the agent's result", async () => {
    const client = await clientWith(operator);
    const task = await client.sendMessage(send("hello", { contextId: "js-context" }));
    assert.equal(task.status.state, TaskState.TASK_STATE_COMPLETED);
    assert.equal(task.contextId, "js-context");
    assert.deepEqual(dataOf(task), { echo: "hello" });

    const read = await client.getTask({ tenant: "", id: task.id });
    assert.equal(read.status.state, TaskState.TASK_STATE_COMPLETED);
    assert.deepEqual(dataOf(read), { echo: "hello" });

    const listed = await client.listTasks(listRequest("js-context"));
    assert.deepEqual(
      listed.tasks.map((each) => each.id),
      [task.id],
    );
    assert.equal(listed.totalSize, 1);
  });

  test("a stream starts with the task, shows progress and ends with the result", async () => {
    const client = await clientWith(operator);
    const events = [];
    for await (const event of client.sendMessageStream(send("slow"))) {
      events.push(event.payload);
    }
    assert.equal(events[0].$case, "task", "the snapshot comes first");
    const states = events.filter((event) => event.$case === "statusUpdate").map((event) => event.value.status.state);
    assert.ok(states.includes(TaskState.TASK_STATE_WORKING), `states ${states}`);
    assert.equal(states.at(-1), TaskState.TASK_STATE_COMPLETED);
    const artifact = events.find((event) => event.$case === "artifactUpdate");
    assert.deepEqual(artifact.value.artifact.parts[0].content.value, { echo: "slow" });
  });

  test("a task sent without waiting can be followed by a subscription", async () => {
    const client = await clientWith(operator);
    const task = await client.sendMessage(send("slow", {}, { returnImmediately: true, acceptedOutputModes: [] }));
    assert.ok(
      [TaskState.TASK_STATE_SUBMITTED, TaskState.TASK_STATE_WORKING].includes(task.status.state),
      `state ${task.status.state}`,
    );
    const events = [];
    for await (const event of client.resubscribeTask({ tenant: "", id: task.id })) {
      events.push(event.payload);
    }
    assert.equal(events[0].$case, "task");
    const last = events.at(-1);
    assert.equal(last.$case, "statusUpdate");
    assert.equal(last.value.status.state, TaskState.TASK_STATE_COMPLETED);
  });

  test("an operator cancels a running task; a viewer may read it but not cancel it", async () => {
    const client = await clientWith(operator);
    const reader = await clientWith(viewer);
    const task = await client.sendMessage(send("wait", {}, { returnImmediately: true, acceptedOutputModes: [] }));
    await assert.rejects(reader.cancelTask({ tenant: "", id: task.id, metadata: undefined }), /403/);
    const seen = await reader.getTask({ tenant: "", id: task.id });
    assert.equal(seen.id, task.id);

    const cancelled = await client.cancelTask({ tenant: "", id: task.id, metadata: undefined });
    assert.equal(cancelled.status.state, TaskState.TASK_STATE_CANCELED);
    await assert.rejects(client.cancelTask({ tenant: "", id: task.id, metadata: undefined }), (error) => {
      assert.equal(error.name, "TaskNotCancelableError");
      return true;
    });
  });

  test("push notification configs are set, read, listed and deleted, and the receiver gets the task's changes", async () => {
    const receiver = await pushReceiver();
    try {
      const client = await clientWith(operator);
      const task = await client.sendMessage(
        send("slow", {}, {
          acceptedOutputModes: [],
          returnImmediately: true,
          historyLength: undefined,
          taskPushNotificationConfig: {
            tenant: "",
            id: "js-push",
            taskId: "",
            url: receiver.url("/first"),
            token: "tok-js",
            authentication: { scheme: "Bearer", credentials: "js-secret" },
          },
        }),
      );
      const created = await client.createTaskPushNotificationConfig({
        tenant: "",
        id: "",
        taskId: task.id,
        url: receiver.url("/second"),
        token: "tok-second",
        authentication: undefined,
      });
      assert.ok(created.id, "Nexus names a config given without an id");
      assert.equal(created.taskId, task.id);

      const read = await client.getTaskPushNotificationConfig({ tenant: "", taskId: task.id, id: "js-push" });
      assert.equal(read.url, receiver.url("/first"));
      assert.equal(read.token, "tok-js");
      assert.equal(read.authentication?.scheme, "Bearer");
      assert.equal(read.authentication?.credentials, "", "credentials are never shown again");
      const listed = await client.listTaskPushNotificationConfig({ tenant: "", taskId: task.id, pageSize: 0, pageToken: "" });
      assert.deepEqual(listed.configs.map((config) => config.id).sort(), [created.id, "js-push"].sort());

      // the states a receiver saw: of the snapshot, then of each status update
      const statesAt = (path) =>
        receiver.received
          .filter((request) => request.path === path)
          .map((request) => (request.body.task ?? request.body.statusUpdate)?.status?.state)
          .filter(Boolean);
      await until(() => statesAt("/first").includes("TASK_STATE_COMPLETED"), "the final status at /first");
      await until(() => statesAt("/second").includes("TASK_STATE_COMPLETED"), "the final status at /second");
      const first = receiver.received.filter((request) => request.path === "/first");
      assert.equal(first[0].body.task?.id, task.id, "a snapshot first");
      assert.ok(statesAt("/first").includes("TASK_STATE_WORKING"), `states ${statesAt("/first")}`);
      assert.deepEqual(first.at(-2).body.artifactUpdate.artifact.parts[0].data, { echo: "slow" });
      for (const request of first) {
        assert.equal(request.headers["x-a2a-notification-token"], "tok-js");
        assert.equal(request.headers.authorization, "Bearer js-secret");
      }
      assert.ok(
        receiver.received.filter((request) => request.path === "/second").every(
          (request) => request.headers["x-a2a-notification-token"] === "tok-second",
        ),
      );

      await client.deleteTaskPushNotificationConfig({ tenant: "", taskId: task.id, id: created.id });
      const left = await client.listTaskPushNotificationConfig({ tenant: "", taskId: task.id, pageSize: 0, pageToken: "" });
      assert.deepEqual(left.configs.map((config) => config.id), ["js-push"]);
      await assert.rejects(
        client.getTaskPushNotificationConfig({ tenant: "", taskId: task.id, id: created.id }),
        (error) => error.name === "TaskNotFoundError",
      );
    } finally {
      await receiver.close();
    }
  });

  test("errors come back as the SDK's A2A errors", async () => {
    const client = await clientWith(operator);
    await assert.rejects(client.getTask({ tenant: "", id: "no-such-task" }), (error) => {
      assert.equal(error.name, "TaskNotFoundError");
      return true;
    });
    await assert.rejects(client.sendMessage(send("no skill", { skill: "" })), (error) => {
      assert.equal(error.name, "RequestMalformedError");
      return true;
    });
  });
});

describe("Nexus as an A2A 1.0 server over HTTP+JSON, driven by @a2a-js/sdk's REST transport", () => {
  const rest = (key) => clientWith(key, "HTTP+JSON");

  test("the Agent Card names the HTTP+JSON interface, which the REST transport picks", async () => {
    const client = await rest(operator);
    const iface = client.agentCard.supportedInterfaces.find((each) => each.protocolBinding === "HTTP+JSON");
    assert.equal(iface?.url, `${nexus.baseUrl}/api/a2a/v1`);
    assert.equal(iface.protocolVersion, "1.0");
  });

  test("a blocking send returns the completed task, which is then read and listed", async () => {
    const client = await rest(operator);
    const task = await client.sendMessage(send("bonjour", { contextId: "js-rest-context" }));
    assert.equal(task.status.state, TaskState.TASK_STATE_COMPLETED);
    assert.deepEqual(dataOf(task), { echo: "bonjour" });
    const read = await client.getTask({ tenant: "", id: task.id, historyLength: 0 });
    assert.equal(read.status.state, TaskState.TASK_STATE_COMPLETED);
    const listed = await client.listTasks(listRequest("js-rest-context"));
    assert.deepEqual(
      listed.tasks.map((each) => each.id),
      [task.id],
    );
    assert.deepEqual(dataOf(listed.tasks[0]), { echo: "bonjour" });
  });

  test("a stream and a subscription start with the task and end with the result", async () => {
    const client = await rest(operator);
    const events = [];
    for await (const event of client.sendMessageStream(send("slow"))) {
      events.push(event.payload);
    }
    assert.equal(events[0].$case, "task");
    assert.equal(events.at(-1).value.status.state, TaskState.TASK_STATE_COMPLETED);
    assert.deepEqual(events.find((event) => event.$case === "artifactUpdate").value.artifact.parts[0].content.value, {
      echo: "slow",
    });

    const task = await client.sendMessage(send("slow", {}, { returnImmediately: true, acceptedOutputModes: [] }));
    const followed = [];
    for await (const event of client.resubscribeTask({ tenant: "", id: task.id })) {
      followed.push(event.payload);
    }
    assert.equal(followed[0].$case, "task");
    assert.equal(followed.at(-1).value.status.state, TaskState.TASK_STATE_COMPLETED);
  });

  test("an operator cancels a running task; a viewer may not; a finished task is not cancelable", async () => {
    const client = await rest(operator);
    const reader = await rest(viewer);
    const task = await client.sendMessage(send("wait", {}, { returnImmediately: true, acceptedOutputModes: [] }));
    await assert.rejects(reader.cancelTask({ tenant: "", id: task.id, metadata: undefined }), (error) => {
      assert.equal(error.statusCode, 403);
      return true;
    });
    assert.equal((await reader.getTask({ tenant: "", id: task.id })).id, task.id);
    const cancelled = await client.cancelTask({ tenant: "", id: task.id, metadata: undefined });
    assert.equal(cancelled.status.state, TaskState.TASK_STATE_CANCELED);
    await assert.rejects(client.cancelTask({ tenant: "", id: task.id, metadata: undefined }), (error) => {
      assert.equal(error.name, "TaskNotCancelableError");
      assert.equal(error.statusCode, 400);
      return true;
    });
  });

  test("errors come back as the SDK's A2A errors, from google.rpc.Status bodies", async () => {
    const client = await rest(operator);
    await assert.rejects(client.getTask({ tenant: "", id: "no-such-task" }), (error) => {
      assert.equal(error.name, "TaskNotFoundError");
      assert.equal(error.statusCode, 404);
      return true;
    });
    await assert.rejects(client.sendMessage(send("no skill", { skill: "" })), (error) => {
      assert.equal(error.name, "RequestMalformedError");
      return true;
    });
  });
});
