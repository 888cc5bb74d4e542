import type { Backoff } from "./backoff.js";

/** Who the agent is and how it connects. */
export interface ConnectionSettings {
  serverUris: readonly string[];
  agentId: string;
  token: string | undefined;
  enrollmentKey: string | undefined;
  name: string;
  capabilities: string[];
  maxConcurrency: number;
  backoff: Backoff;
  connectTimeoutMs: number;
  registrationTimeoutMs: number;
}
