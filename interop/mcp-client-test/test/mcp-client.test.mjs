// Nexus's MCP server driven by the official MCP TypeScript SDK client
// (@modelcontextprotocol/sdk) over Streamable HTTP, against the packaged server.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';

import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';

import { JAR, NexusServer } from '../support/nexus.mjs';

const CLIENT = { name: 'nexus-interop-test', version: '1.0.0' };

const required = process.env.NEXUS_REQUIRE_SERVICES === 'true';
if (!existsSync(JAR) && required) {
  throw new Error(`Nexus server jar not found at ${JAR}: build it with ./mvnw -B -q -o -pl nexus-server -am package -DskipTests`);
}

async function connect(server, key) {
  const client = new Client(CLIENT);
  const headers = key ? { Authorization: `Bearer ${key}` } : {};
  const transport = new StreamableHTTPClientTransport(new URL(`${server.baseUrl}/mcp`), { requestInit: { headers } });
  await client.connect(transport);
  return client;
}

describe('Nexus MCP server with the MCP TypeScript SDK', { skip: !existsSync(JAR) && `no server jar at ${JAR}` }, () => {
  let server;
  let admin;
  let operator;
  let viewer;

  before(async () => {
    server = await NexusServer.start();
    admin = await server.admin();
    operator = await connect(server, await admin.apiKey('operator'));
    viewer = await connect(server, await admin.apiKey('viewer'));
  });

  after(async () => {
    await operator?.close();
    await viewer?.close();
    await server?.stop();
  });

  test('lists the tools with their input schemas and the resources', async () => {
    const { tools } = await operator.listTools();
    assert.deepEqual(tools.map((tool) => tool.name).sort(), [
      'approve_task', 'cancel_task', 'create_task', 'get_task', 'get_usage', 'list_agents', 'list_tasks',
      'pause_agent', 'resume_agent',
    ]);
    for (const tool of tools) {
      assert.equal(tool.inputSchema.type, 'object', tool.name);
    }
    assert.deepEqual(tools.find((tool) => tool.name === 'create_task').inputSchema.required, ['title']);
    const { resources } = await operator.listResources();
    assert.ok(resources.some((resource) => resource.uri === 'nexus://fleet'));
    const { resourceTemplates } = await operator.listResourceTemplates();
    assert.deepEqual(resourceTemplates.map((template) => template.uriTemplate).sort(),
      ['nexus://agents/{id}', 'nexus://tasks/{id}']);
  });

  test('calls the tools: create, read, list and cancel a task, pause and resume an agent, usage', async () => {
    await admin.call('POST', '/api/agents', { id: 'mcp-js-agent', name: 'MCP JS', capabilities: ['mcp-js'] });
    const created = await operator.callTool({
      name: 'create_task',
      arguments: { title: 'triage the alerts', category: 'mcp-js', priority: 'high', payload: { alerts: 3 } },
    });
    assert.equal(created.isError, false, JSON.stringify(created));
    const task = created.structuredContent.task;
    assert.equal(task.priority, 'high');
    assert.equal(task.status, 'queued');

    const read = await operator.callTool({ name: 'get_task', arguments: { id: task.id } });
    assert.equal(read.structuredContent.payload.alerts, 3);
    assert.equal(JSON.parse(read.content[0].text).id, task.id);
    const listed = await operator.callTool({ name: 'list_tasks', arguments: { category: 'mcp-js' } });
    assert.deepEqual(listed.structuredContent.items.map((item) => item.id), [task.id]);

    const agents = await operator.callTool({ name: 'list_agents', arguments: { capability: 'mcp-js' } });
    assert.equal(agents.structuredContent.items[0].id, 'mcp-js-agent');
    const paused = await operator.callTool({ name: 'pause_agent', arguments: { id: 'mcp-js-agent' } });
    assert.equal(paused.structuredContent.status, 'paused');
    assert.equal((await admin.call('GET', '/api/agents/mcp-js-agent')).status, 'paused');
    const resumed = await operator.callTool({ name: 'resume_agent', arguments: { id: 'mcp-js-agent' } });
    assert.equal(resumed.structuredContent.status, 'active');
    const usage = await viewer.callTool({ name: 'get_usage', arguments: { range: '24h' } });
    assert.equal(usage.isError, false);
    assert.equal(usage.structuredContent.range, '24h');

    const resource = await viewer.readResource({ uri: `nexus://tasks/${task.id}` });
    assert.equal(JSON.parse(resource.contents[0].text).title, 'triage the alerts');
    const fleet = await viewer.readResource({ uri: 'nexus://fleet' });
    assert.ok(JSON.parse(fleet.contents[0].text).tasks.by_status.queued >= 1);

    const cancelled = await operator.callTool({ name: 'cancel_task', arguments: { id: task.id, reason: 'done by hand' } });
    assert.equal(cancelled.structuredContent.status, 'cancelled');
  });

  test('a viewer-role key cannot call cancel_task, and the refusal is audited with the client', async () => {
    const task = await admin.call('POST', '/api/tasks', { title: 'keep running', category: 'mcp-js-keep' });
    const refused = await viewer.callTool({ name: 'cancel_task', arguments: { id: task.id } });
    assert.equal(refused.isError, true);
    assert.equal(refused.structuredContent.type, 'urn:nexus:problem:forbidden');
    assert.match(refused.content[0].text, /role does not allow/);
    assert.notEqual((await admin.call('GET', `/api/tasks/${task.id}`)).status, 'cancelled');

    const audit = await admin.call('GET', '/api/audit?action=mcp.tool_called&outcome=denied');
    const entry = audit.items.find((item) => item.target === 'cancel_task');
    assert.ok(entry, JSON.stringify(audit.items));
    assert.match(JSON.stringify(entry), /client=nexus-interop-test\/1\.0\.0/);
  });

  test('bad arguments come back as tool errors with the REST API problem', async () => {
    const bad = await operator.callTool({ name: 'create_task', arguments: { title: '', max_attempts: 0 } });
    assert.equal(bad.isError, true);
    assert.equal(bad.structuredContent.type, 'urn:nexus:problem:validation_failed');
    const fields = bad.structuredContent.errors.map((error) => error.field).sort();
    assert.deepEqual(fields, ['max_attempts', 'title']);
    const missing = await operator.callTool({ name: 'get_task', arguments: { id: 'no-such-task' } });
    assert.equal(missing.structuredContent.type, 'urn:nexus:problem:task_not_found');
  });

  test('a client without an API key is refused', async () => {
    await assert.rejects(connect(server, null), /401|Unauthorized/i);
  });
});
