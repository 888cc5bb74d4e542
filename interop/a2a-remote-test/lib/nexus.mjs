// The packaged Nexus server for this test (as in interop/a2a-client-test): a process on a free port with an embedded H2
// database in a temporary directory (as sdk/python/tests/nexus_server.py starts it), and the
// REST calls the test needs.
import { spawn } from "node:child_process";
import { mkdtempSync, openSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
export const JAR = process.env.NEXUS_SERVER_JAR ?? resolve(here, "../../../nexus-server/target/nexus-server.jar");
const ADMIN_PASSWORD = "a2a-remote-test-pass-1234";
const START_TIMEOUT_MS = Number(process.env.NEXUS_START_TIMEOUT ?? "300") * 1000;

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

export class NexusServer {
  static async start() {
    const server = new NexusServer(await freePort());
    await server.waitHealthy();
    await server.login();
    return server;
  }

  constructor(port) {
    this.port = port;
    this.baseUrl = `http://127.0.0.1:${port}`;
    this.wsUrl = `ws://127.0.0.1:${port}/ws`;
    this.dataDir = mkdtempSync(join(tmpdir(), "nexus-a2a-remote-"));
    this.logPath = join(this.dataDir, "server.log");
    const log = openSync(this.logPath, "w");
    const env = { ...process.env, NEXUS_DATA_DIR: join(this.dataDir, "db"), NEXUS_ADMIN_PASSWORD: ADMIN_PASSWORD };
    delete env.DATABASE_URL;
    delete env.PORT;
    this.process = spawn("java", ["-jar", JAR, `--server.port=${port}`,
      // the remote agents of the test listen on loopback
      "--nexus.a2a.remote.allowed-networks=127.0.0.0/8", "--nexus.a2a.remote.card-refresh-interval=500ms",
      "--nexus.a2a.remote.max-failures=2"], {
      env,
      stdio: ["ignore", log, log],
    });
    this.exited = new Promise((done) => this.process.once("exit", done));
  }

  async waitHealthy() {
    const deadline = Date.now() + START_TIMEOUT_MS;
    while (Date.now() < deadline) {
      if (this.process.exitCode !== null) {
        throw new Error(`Nexus exited with ${this.process.exitCode}; log:\n${this.logTail()}`);
      }
      try {
        const answer = await fetch(`${this.baseUrl}/health`);
        if (answer.ok && (await answer.json()).status === "UP") {
          return;
        }
      } catch {
        // not listening yet
      }
      await sleep(250);
    }
    throw new Error(`Nexus was not healthy within ${START_TIMEOUT_MS} ms; log:\n${this.logTail()}`);
  }

  async login() {
    const answer = await this.call("POST", "/api/auth/login", { username: "admin", password: ADMIN_PASSWORD }, false);
    this.token = answer.access_token;
  }

  async call(method, path, body, auth = true) {
    const headers = { "Content-Type": "application/json" };
    if (auth) {
      headers.Authorization = `Bearer ${this.token}`;
    }
    const answer = await fetch(this.baseUrl + path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await answer.text();
    if (!answer.ok) {
      throw new Error(`${method} ${path} answered ${answer.status}: ${text}`);
    }
    return text ? JSON.parse(text) : undefined;
  }

  /** An API key with a role: viewer, operator or admin. */
  async apiKey(role) {
    return (await this.call("POST", "/api/api-keys", { name: `a2a-${role}`, role })).key;
  }

  /** Registers an agent; returns its token. */
  async createAgent(id, capabilities) {
    return (await this.call("POST", "/api/agents", { id, name: id, capabilities, max_concurrency: 4 })).token;
  }

  logTail(lines = 60) {
    try {
      return readFileSync(this.logPath, "utf8").split("\n").slice(-lines).join("\n");
    } catch {
      return "";
    }
  }

  async stop() {
    if (this.process.exitCode === null) {
      this.process.kill("SIGTERM");
      const timer = setTimeout(() => this.process.kill("SIGKILL"), 30_000);
      await this.exited;
      clearTimeout(timer);
    }
    rmSync(this.dataDir, { recursive: true, force: true });
  }
}
