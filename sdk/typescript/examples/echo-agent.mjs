// An agent that answers every task with its payload, after `seconds` (from the payload) of
// "work" during which it reports progress. Runs until SIGTERM or Ctrl-C, then drains.
//   NEXUS_WS=ws://localhost:4100/ws AGENT_ID=ts_agent AGENT_TOKEN=nxa_... node sdk/typescript/examples/echo-agent.mjs
import { setTimeout as sleep } from "node:timers/promises";

import { consoleLogger, NexusAgent } from "@nexus/agent";

const agent = new NexusAgent({
  serverUri: (process.env.NEXUS_WS ?? "ws://localhost:4100/ws").split(","),
  agentId: process.env.AGENT_ID,
  token: process.env.AGENT_TOKEN,
  capabilities: ["automation"],
  maxConcurrency: 2,
  logger: consoleLogger(process.env.LOG_LEVEL ?? "info"),
  handler: async (task) => {
    const seconds = Number(task.payload?.seconds ?? 1);
    for (let done = 0; done < seconds; done++) {
      task.progress((100 * done) / seconds, `second ${done + 1} of ${seconds}`);
      await sleep(1000, undefined, { signal: task.signal }); // rejects at once if Nexus cancels
    }
    return { echo: task.payload };
  },
});

await agent.run();
console.log("agent stopped");
