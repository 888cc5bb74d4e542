// A remote A2A agent built with the official A2A JavaScript SDK's server (@a2a-js/sdk:
// DefaultRequestHandler, InMemoryTaskStore, the Express JSON-RPC and Agent Card handlers).
// Run as its own process, so that the test can kill it mid-task:
//   node lib/remote-agent.mjs <port> <name> <skill>
// Each task: a task event, "working", then after payload.delay_ms an artifact
// {"by": <name>, "echo": <payload>} and "completed". Each request's metadata.nexus is printed
// on stdout as a line "received <json>", each cancel as "cancelled <taskId>".
import express from "express";
import { AgentEvent, DefaultRequestHandler, InMemoryTaskStore } from "@a2a-js/sdk/server";
import { UserBuilder, agentCardHandler, jsonRpcHandler } from "@a2a-js/sdk/server/express";
import { Role, TaskState } from "@a2a-js/sdk";

const [port, name, skill] = process.argv.slice(2);
const cancelled = new Set();

const card = {
  name: `Remote ${name}`,
  description: "A remote A2A agent of the interop test",
  supportedInterfaces: [
    { url: `http://127.0.0.1:${port}/a2a/jsonrpc`, protocolBinding: "JSONRPC", tenant: "", protocolVersion: "1.0" },
  ],
  provider: undefined,
  version: "1.0.0",
  capabilities: { streaming: true, pushNotifications: false, extensions: [] },
  securitySchemes: {},
  securityRequirements: [],
  defaultInputModes: ["text/plain", "application/json"],
  defaultOutputModes: ["application/json"],
  skills: [
    { id: skill, name: skill, description: "echoes its input", tags: ["test"], examples: [], inputModes: [],
      outputModes: [], securityRequirements: [] },
  ],
  signatures: [],
};

function status(taskId, contextId, state, text) {
  const message = text === undefined ? undefined : {
    messageId: `${taskId}-${state}`, contextId, taskId, role: Role.ROLE_AGENT,
    parts: [{ content: { $case: "text", value: text }, metadata: undefined, filename: "", mediaType: "" }],
    metadata: undefined, extensions: [], referenceTaskIds: [],
  };
  return AgentEvent.statusUpdate({
    taskId, contextId, status: { state, message, timestamp: new Date().toISOString() }, metadata: undefined,
  });
}

const executor = {
  async execute(context, bus) {
    const { taskId, contextId } = context;
    const message = context.userMessage;
    const data = message.parts.find((part) => part.content?.$case === "data")?.content.value ?? null;
    console.log(`received ${JSON.stringify({ taskId, nexus: message.metadata?.nexus ?? null, data })}`);
    bus.publish(AgentEvent.task({
      id: taskId, contextId, status: { state: TaskState.TASK_STATE_SUBMITTED, message: undefined, timestamp: undefined },
      artifacts: [], history: [], metadata: undefined,
    }));
    bus.publish(status(taskId, contextId, TaskState.TASK_STATE_WORKING, `${name} is working`));
    const until = Date.now() + Number(data?.delay_ms ?? 0);
    while (Date.now() < until && !cancelled.has(taskId)) {
      await new Promise((done) => setTimeout(done, 50));
    }
    if (cancelled.has(taskId)) {
      return;
    }
    bus.publish(AgentEvent.artifactUpdate({
      taskId, contextId, append: false, lastChunk: true, metadata: undefined,
      artifact: {
        artifactId: "result", name: "result", description: "", metadata: undefined, extensions: [],
        parts: [{ content: { $case: "data", value: { by: name, echo: data } }, metadata: undefined, filename: "",
          mediaType: "application/json" }],
      },
    }));
    bus.publish(status(taskId, contextId, TaskState.TASK_STATE_COMPLETED, undefined));
    bus.finished();
  },
  async cancelTask(taskId, bus) {
    cancelled.add(taskId);
    console.log(`cancelled ${taskId}`);
    bus.publish(status(taskId, "", TaskState.TASK_STATE_CANCELED, "cancelled by Nexus"));
    bus.finished();
  },
};

const handler = new DefaultRequestHandler(card, new InMemoryTaskStore(), executor);
const app = express();
app.use("/.well-known/agent-card.json", agentCardHandler({ agentCardProvider: handler }));
app.use("/a2a/jsonrpc", jsonRpcHandler({ requestHandler: handler, userBuilder: UserBuilder.noAuthentication }));
app.listen(Number(port), "127.0.0.1", () => console.log(`listening ${port}`));
