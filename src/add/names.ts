// Binding names already taken in one scope of a config, by anything other than the kind being added.
import { isTable, scopePath, getPath, type Table } from "../config/read.ts";
import { CONFIG_KEY, KIND_LABEL, KINDS, type Kind } from "../model.ts";

/** Arrays of bindings wrangler knows besides KV, D1 and R2, and the field that names each binding. */
const OTHER: [string[], string, string][] = [
  [["durable_objects", "bindings"], "name", "a Durable Object binding"],
  [["services"], "binding", "a service binding"],
  [["queues", "producers"], "binding", "a queue binding"],
  [["analytics_engine_datasets"], "binding", "an Analytics Engine binding"],
  [["hyperdrive"], "binding", "a Hyperdrive binding"],
  [["vectorize"], "binding", "a Vectorize binding"],
];

/** What else is called `name` in the scope, described for an error message, or undefined. */
export function otherBindingNamed(value: Table, env: string | undefined, kind: Kind, name: string): string | undefined {
  const scope = getPath(value, scopePath(env));
  if (!isTable(scope)) return undefined;
  if (isTable(scope.vars) && Object.hasOwn(scope.vars, name)) return "a var";
  const has = (path: string[], field: string) => {
    const list = getPath(scope, path);
    return Array.isArray(list) && list.some((e) => isTable(e) && e[field] === name);
  };
  for (const k of KINDS) if (k !== kind && has([CONFIG_KEY[k]], "binding")) return `a ${KIND_LABEL[k]} binding`;
  for (const [path, field, label] of OTHER) if (has(path, field)) return label;
  return undefined;
}
