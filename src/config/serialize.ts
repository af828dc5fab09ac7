// The on-disk form of a new project's model: wrangler.toml or wrangler.jsonc.
// `add` never calls this: it patches existing files in place (see patch-*.ts).
import {
  type Binding,
  bindingEntry,
  CONFIG_KEY,
  compatFlags,
  entryFile,
  KINDS,
  type Project,
  varsFor,
} from "../model.ts";

type Table = Record<string, unknown>;

/** The parsed value of the config a new project starts with. */
export function configValue(p: Project): Table {
  const value: Table = {
    name: p.name,
    main: entryFile(p.lang),
    compatibility_date: p.compatDate,
    compatibility_flags: compatFlags(p.lang),
    observability: { enabled: true },
    vars: varsFor(),
    ...bindingTables(p, p.bindings),
  };
  if (p.envs.length) {
    const env: Table = {};
    for (const e of p.envs) env[e] = { vars: varsFor(e), ...bindingTables(p, p.bindings, e) };
    value.env = env;
  }
  return value;
}

function bindingTables(p: Project, bindings: Binding[], env?: string): Table {
  const out: Table = {};
  for (const kind of KINDS) {
    const of = bindings.filter((b) => b.kind === kind);
    if (of.length) out[CONFIG_KEY[kind]] = of.map((b) => bindingEntry(p.name, b, env));
  }
  return out;
}

const ENV_NOTE = "Bindings and vars are not inherited: every environment redeclares them, with its own resources.";

export function serializeConfig(p: Project): string {
  return p.config === "toml" ? toToml(configValue(p)) : toJsonc(configValue(p));
}

// JSON string syntax is a subset of TOML basic-string syntax.
const str = (s: string) => JSON.stringify(s);

function tomlValue(v: unknown): string {
  if (typeof v === "string") return str(v);
  if (typeof v === "boolean" || typeof v === "number") return String(v);
  if (Array.isArray(v)) return `[${v.map(tomlValue).join(", ")}]`;
  throw new Error(`cannot write ${typeof v} as a TOML value`);
}

const isTable = (v: unknown): v is Table => typeof v === "object" && v !== null && !Array.isArray(v);
const isTableArray = (v: unknown): v is Table[] => Array.isArray(v) && v.length > 0 && v.every(isTable);

/** Writes scalars first, then tables, then arrays of tables, recursing into `env`. */
function toToml(value: Table): string {
  const lines = ["#:schema node_modules/wrangler/config-schema.json"];
  writeTable(lines, value, []);
  return `${lines.join("\n")}\n`;
}

function writeTable(lines: string[], t: Table, path: string[]): void {
  for (const [k, v] of Object.entries(t)) if (!isTable(v) && !isTableArray(v)) lines.push(`${k} = ${tomlValue(v)}`);
  for (const [k, v] of Object.entries(t)) {
    if (isTable(v) && k !== "env") {
      lines.push("", `[${[...path, k].join(".")}]`);
      writeTable(lines, v, [...path, k]);
    } else if (isTableArray(v)) {
      for (const item of v) {
        lines.push("", `[[${[...path, k].join(".")}]]`);
        writeTable(lines, item, [...path, k]);
      }
    }
  }
  if (isTable(t.env)) {
    lines.push("", `# ${ENV_NOTE}`);
    for (const [name, env] of Object.entries(t.env)) writeTable(lines, env as Table, ["env", name]);
    // The note belongs directly above the first environment's table.
    const note = lines.indexOf(`# ${ENV_NOTE}`);
    if (lines[note + 1] === "") lines.splice(note + 1, 1);
  }
}

function toJsonc(value: Table): string {
  const text = JSON.stringify({ $schema: "node_modules/wrangler/config-schema.json", ...value }, null, "\t");
  return `${text.replace(/^\t"env": \{$/m, `\t// ${ENV_NOTE}\n$&`)}\n`;
}
