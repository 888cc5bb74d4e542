import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";

import { FakeNexus } from "./fake-nexus.js";

// dist/test/readme.test.js -> the package's directory
const PACKAGE = join(dirname(fileURLToPath(import.meta.url)), "..", "..");

/** The README's ten-line agent, as a file inside the package, where "@nexus/agent" resolves to it. */
function readmeAgent(): string {
  const readme = readFileSync(join(PACKAGE, "README.md"), "utf8");
  const code = readme.split("```javascript\n")[1]?.split("```")[0];
  assert.ok(code, "the README has a javascript block");
  const script = join(PACKAGE, "dist", "readme-agent.mjs");
  writeFileSync(script, code);
  return script;
}

for (const [name, script] of [
  ["the README's agent", readmeAgent],
  ["examples/echo-agent.mjs", () => join(PACKAGE, "examples", "echo-agent.mjs")],
] as const) {
  test(`${name} runs a task and drains on SIGTERM`, async () => {
    const nexus = await FakeNexus.start();
    const agent = spawn(process.execPath, [script()], {
      env: { ...process.env, NEXUS_WS: nexus.uri, AGENT_ID: "ts-agent", AGENT_TOKEN: "nxa_secret" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    agent.stdout.on("data", (chunk) => (output += String(chunk)));
    agent.stderr.on("data", (chunk) => (output += String(chunk)));
    const exited = new Promise<number | null>((resolve) => agent.on("exit", (code) => resolve(code)));
    try {
      const connection = await nexus.connection(0, 15_000);
      const register = await connection.next("agent_register", () => true, 15_000);
      assert.deepEqual([register.agent_id, register.capabilities], ["ts-agent", ["automation"]]);
      connection.register();
      connection.assign("t1", 1, { text: "hello", seconds: 1 });
      connection.ack(await connection.next("task_accept"));
      await connection.next("task_progress");
      agent.kill("SIGTERM");
      await connection.next("status_update", (f) => f.status === "draining");
      const complete = await connection.next("task_complete", () => true, 10_000);
      assert.deepEqual(complete.result, { echo: { text: "hello", seconds: 1 } });
      connection.ack(complete);
      assert.equal(await exited, 0, output);
      assert.deepEqual(nexus.closeCodes, [1000]);
    } finally {
      agent.kill("SIGKILL");
      await nexus.stop();
    }
  });
}
