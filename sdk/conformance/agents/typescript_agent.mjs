// The TypeScript SDK's agent for the conformance suite: what it does with a task is chosen by
// the task's payload (see ../README.md), and it reports what its handler saw as JSON lines on
// standard output. Configured by the environment: NEXUS_WS (comma-separated URIs), AGENT_ID,
// AGENT_TOKEN or AGENT_ENROLLMENT_KEY, AGENT_CAPABILITY, MAX_CONCURRENCY, RECONNECT_BACKOFF_MS.
import { existsSync } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";

import { NexusAgent, NonRetryableTaskError } from "@nexus/agent";

const SDK = "typescript";

function report(event, fields) {
  process.stdout.write(`${JSON.stringify({ event, ...fields })}\n`);
}

const lease = (task) => ({ task_id: task.taskId, epoch: task.leaseEpoch });
const outcome = (task, extra = {}) => ({ ...extra, sdk: SDK, epoch: task.leaseEpoch, attempt: task.attempt });

/** Waits until the file named by the payload's `release` exists; rejects once cancelled. */
async function awaitRelease(task, payload) {
  while (!existsSync(payload.release)) {
    await sleep(20, undefined, { signal: task.signal });
  }
  report("released", lease(task));
}

async function handle(task) {
  const payload = task.payload ?? {};
  report("started", lease(task));
  const action = payload.action ?? "echo";
  try {
    switch (action) {
      case "echo":
        return outcome(task, { echo: payload.data ?? null });
      case "progress":
        task.progress(42, "halfway there");
        await awaitRelease(task, payload);
        return outcome(task);
      case "wait":
        await awaitRelease(task, payload);
        return outcome(task);
      case "fail":
        throw payload.retryable ?? true ? new Error("network down") : new NonRetryableTaskError("bad input");
      case "ask": {
        const answer = await task.askHuman(payload.prompt, payload.schema ?? null);
        return outcome(task, { answer });
      }
      case "usage":
        for (const usage of payload.progress ?? []) {
          task.reportUsage(usage);
        }
        report("reported", lease(task));
        await awaitRelease(task, payload);
        if (payload.final) {
          task.reportUsage(payload.final);
        }
        report("finished", lease(task));
        return outcome(task);
      default:
        throw new NonRetryableTaskError(`unknown action ${action}`);
    }
  } catch (error) {
    if (task.cancelled) {
      report("cancelled", lease(task));
    }
    throw error;
  }
}

const credentials = process.env.AGENT_ENROLLMENT_KEY
  ? { enrollmentKey: process.env.AGENT_ENROLLMENT_KEY }
  : { token: process.env.AGENT_TOKEN };
const backoffMs = Number(process.env.RECONNECT_BACKOFF_MS ?? 200);
const agent = new NexusAgent({
  serverUri: process.env.NEXUS_WS.split(","),
  agentId: process.env.AGENT_ID,
  capabilities: [process.env.AGENT_CAPABILITY],
  maxConcurrency: Number(process.env.MAX_CONCURRENCY ?? 1),
  initialBackoffMs: backoffMs,
  maxBackoffMs: Math.max(1000, backoffMs),
  handler: handle,
  ...credentials,
});
agent.waitRegistered(30_000).then((registered) => {
  if (registered) {
    report("registered", { agent_id: agent.agentId, token_issued: agent.issuedToken !== undefined });
  }
}, () => undefined); // a refusal ends run() below with the error
await agent.run(); // until SIGTERM, then drains
