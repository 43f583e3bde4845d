/**
 * Values a workflow handles, and the errors it raises, shaped as Cloud Workflows shapes them:
 * a raised error is any value, and the runtime's own errors are maps with `message` and `tags`.
 */

export type Value = null | boolean | number | string | Value[] | { [key: string]: Value };
export type MapValue = { [key: string]: Value };

export function isMap(value: Value | undefined): value is MapValue {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** A value raised inside a workflow (by `raise`, an HTTP error, a timeout...): `try/except` can catch it. */
export class RaisedError extends Error {
  readonly value: Value;

  constructor(value: Value, options?: { cause?: unknown }) {
    super(describeRaised(value), options);
    this.name = "RaisedError";
    this.value = value;
  }
}

/** Builds the map the runtime raises for its own errors: `{message, tags: [tag]}` plus extra fields. */
export function runtimeError(tag: string, message: string, extra: MapValue = {}): RaisedError {
  return new RaisedError({ message, tags: [tag], ...extra });
}

export function describeRaised(value: Value): string {
  if (typeof value === "string") return value;
  if (isMap(value) && typeof value.message === "string") return value.message;
  return JSON.stringify(value);
}

export function hasTag(value: Value, tag: string): boolean {
  return isMap(value) && Array.isArray(value.tags) && value.tags.includes(tag);
}

export function typeName(value: Value): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "list";
  if (typeof value === "object") return "map";
  if (typeof value === "number") return Number.isInteger(value) ? "int" : "double";
  if (typeof value === "boolean") return "bool";
  return "string";
}

export function deepEqual(a: Value, b: Value): boolean {
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b)) {
    return a.length === b.length && a.every((item, i) => deepEqual(item, b[i] as Value));
  }
  if (isMap(a) && isMap(b)) {
    const keys = Object.keys(a);
    return keys.length === Object.keys(b).length && keys.every((k) => k in b && deepEqual(a[k]!, b[k]!));
  }
  return false;
}

/** A JSON value read back from disk or from the network, checked to be a workflow value. */
export function toValue(input: unknown): Value {
  if (input === null || input === undefined) return null;
  if (typeof input === "boolean" || typeof input === "number" || typeof input === "string") return input;
  if (Array.isArray(input)) return input.map(toValue);
  if (typeof input === "object") {
    const out: MapValue = {};
    for (const [key, item] of Object.entries(input)) out[key] = toValue(item);
    return out;
  }
  return String(input);
}
