/**
 * `@nexus/agent`: connects a Node.js program to Nexus as an agent over the WebSocket protocol
 * (docs/protocol.md).
 */

export { AgentRejectedError, NexusAgent, type MessageListener, type NexusAgentOptions } from "./agent.js";
export { Backoff, ServerRotation } from "./backoff.js";
export * from "./frames.js";
export { consoleLogger, type Logger, type LogLevel } from "./log.js";
export { type TaskHandler } from "./runner.js";
export {
  NonRetryableTaskError,
  QuestionRefusedError,
  TaskCancelledError,
  TaskContext,
  childTraceparent,
  type AskOptions,
} from "./task.js";
export { addUsage, usageProblem } from "./usage-report.js";
export { ResourceUsage } from "./usage.js";

/** The SDK's version. */
export const VERSION = "0.1.0";
