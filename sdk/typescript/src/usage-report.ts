/** Checking and summing usage reports (docs/protocol.md#usage). */

import { MAX_COST, MAX_MODEL_LENGTH, MAX_TOKENS, type Usage } from "./frames.js";

const CURRENCY = /^[A-Z]{3}$/;
const FIELDS = new Set(["input_tokens", "output_tokens", "cost", "currency", "model"]);

/** What is wrong with a usage report, naming the field, or `undefined` when Nexus takes it. */
export function usageProblem(usage: Usage): string | undefined {
  if (typeof usage !== "object" || usage === null || Array.isArray(usage)) {
    return "usage must be an object";
  }
  const unknown = Object.keys(usage).find((name) => !FIELDS.has(name));
  if (unknown !== undefined) {
    return `usage.${unknown} is not a usage field`;
  }
  for (const name of ["input_tokens", "output_tokens"] as const) {
    const value = usage[name];
    if (value != null && (!Number.isInteger(value) || value < 0 || value > MAX_TOKENS)) {
      return `usage.${name} must be an integer between 0 and ${MAX_TOKENS}`;
    }
  }
  const cost = usage.cost;
  if (cost != null && (typeof cost !== "number" || !Number.isFinite(cost) || cost < 0 || cost > MAX_COST)) {
    return `usage.cost must be a number between 0 and ${MAX_COST}`;
  }
  if (usage.currency != null && (typeof usage.currency !== "string" || !CURRENCY.test(usage.currency))) {
    return "usage.currency must be an ISO 4217 code of three capital letters, such as USD";
  }
  const model = usage.model;
  if (
    model != null &&
    (typeof model !== "string" ||
      model.length < 1 ||
      model.length > MAX_MODEL_LENGTH ||
      [...model].some((char) => char < " " || char === "\u007f"))
  ) {
    return `usage.model must be 1 to ${MAX_MODEL_LENGTH} printable characters`;
  }
  return undefined;
}

/** The currency of a report's cost: the one given, or USD. */
export function currencyOf(usage: Usage): string {
  return usage.currency ?? "USD";
}

/** Whether two reports carry costs in different currencies, which cannot be summed. */
export function costsClash(a: Usage, b: Usage): boolean {
  return a.cost != null && b.cost != null && currencyOf(a) !== currencyOf(b);
}

/**
 * Two reports as one: tokens and costs added (costs only in one currency: see
 * {@link costsClash}), the later model kept. Fields absent from both stay absent.
 */
export function addUsage(a: Usage, b: Usage): Usage {
  if (costsClash(a, b)) {
    throw new RangeError("usage reports in two currencies cannot be summed");
  }
  const sum: Usage = {};
  const inputTokens = add(a.input_tokens, b.input_tokens);
  const outputTokens = add(a.output_tokens, b.output_tokens);
  const cost = add(a.cost, b.cost);
  const currency = a.cost != null ? a.currency : b.cost != null ? b.currency : (b.currency ?? a.currency);
  const model = b.model ?? a.model;
  if (inputTokens !== undefined) sum.input_tokens = inputTokens;
  if (outputTokens !== undefined) sum.output_tokens = outputTokens;
  if (cost !== undefined) sum.cost = cost;
  if (currency != null) sum.currency = currency;
  if (model != null) sum.model = model;
  return sum;
}

/** A copy of the report with only its defined fields (what goes on the wire). */
export function cleanUsage(usage: Usage): Usage {
  return addUsage({}, usage);
}

function add(a: number | undefined | null, b: number | undefined | null): number | undefined {
  if (a == null) {
    return b ?? undefined;
  }
  return b == null ? a : a + b;
}
