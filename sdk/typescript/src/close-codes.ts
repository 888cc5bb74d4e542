/** What Nexus's close codes tell the agent to do next (docs/protocol.md, "Close codes"). */

const UNAUTHORIZED = 4401;

/** Refused credentials, agent deleted or token revoked, replaced by a new connection: stop. */
const FOR_GOOD = new Set([UNAUTHORIZED, 4403, 4409]);

/** The node is shutting down or not live: reconnect at once, to another node. */
export const RECONNECT_AT_ONCE = 4503;

/** Why the agent stops for good after a close with this code, or `undefined`: reconnect. */
export function refusal(code: number, reason: string): string | undefined {
  if (!FOR_GOOD.has(code)) {
    return undefined;
  }
  const what = code === UNAUTHORIZED ? "refused the agent's credentials" : "closed the connection for good";
  return `Nexus ${what} (${code}): ${reason}`;
}
