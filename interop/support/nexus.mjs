// The packaged Nexus server for the interop tests: a process on a free port with an embedded H2
// database in a temporary directory (as sdk/python/tests/nexus_server.py starts it), started with
// the settings a test gives, and the REST calls the tests need. It imports only Node's own
// modules, so each test package imports it by its path.
import { spawn } from "node:child_process";
import { mkdtempSync, openSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
export const JAR = process.env.NEXUS_SERVER_JAR ?? resolve(here, "../../nexus-server/target/nexus-server.jar");
const ADMIN_PASSWORD = "interop-test-pass-1234";
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
  /**
   * Starts a server and logs in as its admin.
   * @param {{name: string, args?: string[]}} options a name for its temporary directory, and
   *   settings (`--nexus.x=y`) for the test
   */
  static async start({ name, args = [] }) {
    const server = new NexusServer(await freePort(), name, args);
    await server.waitHealthy();
    await server.login();
    return server;
  }

  constructor(port, name, args) {
    this.port = port;
    this.baseUrl = `http://127.0.0.1:${port}`;
    this.wsUrl = `ws://127.0.0.1:${port}/ws`;
    this.dataDir = mkdtempSync(join(tmpdir(), `nexus-${name}-`));
    this.logPath = join(this.dataDir, "server.log");
    const log = openSync(this.logPath, "w");
    const env = { ...process.env, NEXUS_DATA_DIR: join(this.dataDir, "db"), NEXUS_ADMIN_PASSWORD: ADMIN_PASSWORD };
    delete env.DATABASE_URL;
    delete env.PORT;
    this.process = spawn("java", ["-jar", JAR, `--server.port=${port}`, ...args], {
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
    return (await this.call("POST", "/api/api-keys", { name: `interop-${role}`, role })).key;
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
