// The packaged Nexus server on a free port with an embedded H2 database in a temporary
// directory, and the few REST calls the tests need as its admin.
import { spawn } from 'node:child_process';
import { mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(fileURLToPath(import.meta.url), '../../../..');
export const JAR = process.env.NEXUS_SERVER_JAR ?? join(root, 'nexus-server', 'target', 'nexus-server.jar');
const ADMIN_PASSWORD = 'mcp-interop-pass-1234';
// generous: on a busy machine (CI, parallel builds) the first start can take minutes
const START_TIMEOUT_MS = Number(process.env.NEXUS_START_TIMEOUT ?? '300') * 1000;

function freePort() {
  return new Promise((done, fail) => {
    const probe = createServer();
    probe.once('error', fail);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => done(port));
    });
  });
}

export class NexusServer {
  static async start() {
    const server = new NexusServer();
    server.port = await freePort();
    server.baseUrl = `http://127.0.0.1:${server.port}`;
    server.dataDir = mkdtempSync(join(tmpdir(), 'nexus-mcp-'));
    server.logPath = join(server.dataDir, 'server.log');
    const log = openSync(server.logPath, 'w');
    const env = { ...process.env, NEXUS_DATA_DIR: join(server.dataDir, 'db'), NEXUS_ADMIN_PASSWORD: ADMIN_PASSWORD };
    delete env.DATABASE_URL;
    delete env.PORT;
    server.process = spawn('java', ['-jar', JAR, `--server.port=${server.port}`], { env, stdio: ['ignore', log, log] });
    await server.waitHealthy();
    return server;
  }

  async waitHealthy() {
    const deadline = Date.now() + START_TIMEOUT_MS;
    while (Date.now() < deadline) {
      if (this.process.exitCode !== null) {
        throw new Error(`Nexus exited with ${this.process.exitCode}; log:\n${this.logTail()}`);
      }
      try {
        const answer = await fetch(`${this.baseUrl}/health`, { signal: AbortSignal.timeout(2000) });
        if (answer.ok && (await answer.json()).status === 'UP') {
          return;
        }
      } catch {
        // not listening yet
      }
      await new Promise((done) => setTimeout(done, 250));
    }
    throw new Error(`Nexus was not healthy within ${START_TIMEOUT_MS / 1000} s; log:\n${this.logTail()}`);
  }

  logTail(lines = 60) {
    try {
      return readFileSync(this.logPath, 'utf8').split('\n').slice(-lines).join('\n');
    } catch {
      return '';
    }
  }

  async stop() {
    if (this.process.exitCode === null) {
      const exited = new Promise((done) => this.process.once('exit', done));
      this.process.kill('SIGTERM');
      const timer = setTimeout(() => this.process.kill('SIGKILL'), 30_000);
      await exited;
      clearTimeout(timer);
    }
    rmSync(this.dataDir, { recursive: true, force: true });
  }

  /** A REST client logged in as the admin. */
  async admin() {
    const login = await this.call('POST', '/api/auth/login', { username: 'admin', password: ADMIN_PASSWORD });
    return new RestClient(this, login.access_token);
  }

  async call(method, path, body, token) {
    const headers = { 'Content-Type': 'application/json' };
    if (token) {
      headers.Authorization = `Bearer ${token}`;
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
    return text ? JSON.parse(text) : null;
  }
}

export class RestClient {
  constructor(server, token) {
    this.server = server;
    this.token = token;
  }

  call(method, path, body) {
    return this.server.call(method, path, body, this.token);
  }

  /** A new API key of the admin with the given role; returns its secret. */
  async apiKey(role) {
    const created = await this.call('POST', '/api/api-keys', { name: `mcp-interop-${role}`, role });
    return created.key;
  }
}
