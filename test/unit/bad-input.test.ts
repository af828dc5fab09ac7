// Bad input, table-driven, through the built CLI: each case must exit with the right code, name the
// problem in one line on stderr, print no stack trace, and leave every byte of the folder as it was.
import { cpSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { cli, tmpDir } from "../support/cli.ts";

interface Case {
  args: string[];
  /** Exit code: 2 for usage errors, 1 for a config that cannot be read. */
  code: number;
  /** What the one-line error must say. */
  says: RegExp;
  /** For add/list: the project to run in. For create: an empty folder holding only `keep.txt` and `old/`. */
  project?: "toml" | "jsonc";
  /** Changes made before the snapshot (the folder is the cwd). */
  setup?: (dir: string) => void;
  /** Run in this subfolder of the snapshotted folder. */
  in?: string;
}

const long = (n: number) => "a".repeat(n);
const write = (file: string, text: string) => (dir: string) => writeFileSync(join(dir, file), text);

const createCases: Record<string, Case> = {
  "unknown language": { args: ["app", "--lang", "rust"], code: 2, says: /--lang "rust": must be one of python, typescript/ },
  "unknown CI": { args: ["app", "--ci", "jenkins"], code: 2, says: /--ci "jenkins": must be one of github, none/ },
  "unknown config format": { args: ["app", "--config", "yaml"], code: 2, says: /--config "yaml": must be one of toml, jsonc/ },
  "unknown package manager": { args: ["app", "--pm", "pip"], code: 2, says: /--pm "pip": must be one of/ },
  "unknown option": { args: ["app", "--bogus"], code: 2, says: /unknown option '--bogus'/ },
  "two directories": { args: ["app", "other"], code: 2, says: /too many arguments/ },
  "--workerd with --no-workerd": { args: ["app", "--workerd", "--no-workerd"], code: 2, says: /--workerd and --no-workerd: conflicting/ },
  "--install with --no-install": { args: ["app", "--no-install", "--install"], code: 2, says: /--no-install and --install: conflicting/ },
  "--git with --no-git": { args: ["app", "--git", "--no-git"], code: 2, says: /--git and --no-git: conflicting/ },
  "one-value flag given twice": { args: ["app", "--lang", "python", "--lang=typescript"], code: 2, says: /--lang given twice/ },
  "--dry-run with --install": { args: ["app", "--dry-run", "--install"], code: 2, says: /--dry-run with --install/ },
  "name with capitals": { args: ["app", "--name", "My_App"], code: 2, says: /--name "My_App": must be 1-63 lowercase/ },
  "name with leading dash": { args: ["app", "--name=-app"], code: 2, says: /--name "-app": .*not starting or ending with a dash/ },
  "name with trailing dash": { args: ["app", "--name", "app-"], code: 2, says: /--name "app-": / },
  "name of 64 characters": { args: ["app", "--name", long(64)], code: 2, says: new RegExp(`--name "${long(64)}": must be 1-63`) },
  "path traversal through the name": { args: ["--name", "../evil"], code: 2, says: /--name "\.\.\/evil": / },
  "quote in the name": { args: ["app", "--name", 'a"b'], code: 2, says: /--name "a\\"b": / },
  "newline in the name": { args: ["app", "--name", "a\nb = 1"], code: 2, says: /--name "a\\nb = 1": / },
  "unicode in the name": { args: ["app", "--name", "café"], code: 2, says: /--name "café": / },
  "directory that is no worker name": { args: ["My App", "--yes"], code: 2, says: /directory name "My App" is not a valid worker name .*pass --name my-app/ },
  "directory with nothing to slug": { args: ["日本"], code: 2, says: /directory name "日本" is not a valid worker name .*pass --name$/m },
  "binding starting with a digit": { args: ["app", "--kv", "1CACHE"], code: 2, says: /--kv "1CACHE": must be an identifier/ },
  "binding with a dash": { args: ["app", "--d1", "my-db"], code: 2, says: /--d1 "my-db": must be an identifier/ },
  "binding with a dollar": { args: ["app", "--r2", "A$B"], code: 2, says: /--r2 "A\$B": must be an identifier/ },
  "binding is a JS reserved word": { args: ["app", "--kv", "class"], code: 2, says: /--kv "class": is a reserved word/ },
  "binding is a Python keyword": { args: ["app", "--kv", "None"], code: 2, says: /--kv "None": is a reserved word/ },
  "binding shadows a var": { args: ["app", "--kv", "ENVIRONMENT"], code: 2, says: /--kv "ENVIRONMENT": the name is already used by the var ENVIRONMENT/ },
  "binding used by two kinds": { args: ["app", "--kv", "STORE", "--r2", "STORE"], code: 2, says: /--r2 "STORE": the name is already used by the KV namespace binding STORE/ },
  "binding listed twice": { args: ["app", "--kv", "A,A"], code: 2, says: /--kv "A": the name is already used/ },
  "bindings differing only in case": { args: ["app", "--kv", "cache,CACHE"], code: 2, says: /--kv "CACHE": .*differ in more than case/ },
  "empty binding in a list": { args: ["app", "--kv", "A,,B"], code: 2, says: /--kv "": must be an identifier/ },
  "TOML injection in a binding": { args: ["app", "--kv", 'X"]\n[evil'], code: 2, says: /--kv "X\\"]\\n\[evil": must be an identifier/ },
  "environment listed twice": { args: ["app", "--env", "staging,staging"], code: 2, says: /--env "staging": listed twice/ },
  "environment with capitals": { args: ["app", "--env", "Prod"], code: 2, says: /--env "Prod": must start with a lowercase letter/ },
  "environment named like a wrangler key": { args: ["app", "--env", "vars"], code: 2, says: /--env "vars": "vars" is a wrangler config key/ },
  "workflow expression in an environment": { args: ["app", "--env", "${{ secrets.TOKEN }}"], code: 2, says: /--env "\$\{\{ secrets.TOKEN \}\}": must start/ },
  "month 13": { args: ["app", "--compat-date", "2024-13-01"], code: 2, says: /--compat-date "2024-13-01": must be a real calendar date/ },
  "February 30": { args: ["app", "--compat-date", "2024-02-30"], code: 2, says: /--compat-date "2024-02-30": must be a real calendar date/ },
  "February 29 outside a leap year": { args: ["app", "--compat-date", "2023-02-29"], code: 2, says: /--compat-date "2023-02-29": must be a real calendar date/ },
  "date that is no date": { args: ["app", "--compat-date", "yesterday"], code: 2, says: /--compat-date "yesterday": must be a date as YYYY-MM-DD/ },
  "date newer than the runtime": { args: ["app", "--compat-date", "2099-01-01"], code: 2, says: /--compat-date "2099-01-01": must be .* or earlier/ },
  "date before Workers had dates": { args: ["app", "--compat-date", "2020-01-01"], code: 2, says: /--compat-date "2020-01-01": must be 2021-11-03 or later/ },
  "derived R2 bucket name too long": { args: ["app", "--name", long(62), "--r2", "UP"], code: 2, says: new RegExp(`--r2 "UP": the derived R2 bucket name "${long(62)}-up" must be 3-63`) },
  "derived D1 name too long in an environment": {
    args: ["app", "--name", long(55), "--d1", "DB", "--env", "staging"],
    code: 2,
    says: new RegExp(`--d1 "DB": the derived D1 database name "${long(55)}-db-staging" must be 3-63`),
  },
  "derived name ending in a dash": { args: ["app", "--name", "a", "--r2", "B_"], code: 2, says: /--r2 "B_": the derived R2 bucket name "a-b-" must be/ },
  "environment worker name too long": { args: ["app", "--name", long(60), "--env", "production"], code: 2, says: /--env "production": wrangler deploys it as the worker "a+-production", which is longer than 63/ },
  "target is a file": { args: ["keep.txt", "--name", "app"], code: 2, says: /directory "keep.txt": exists and is not a directory/ },
  "target inside a file": { args: ["keep.txt/app"], code: 2, says: /directory "keep.txt\/app": ".*keep.txt" is a file, not a directory/ },
  "target not empty": { args: ["old"], code: 2, says: /directory "old": not empty \(notes.md\); choose another directory, or pass --force/ },
  "..": { args: ["..", "--name", "app"], in: "old", code: 2, says: /directory "\.\.": not empty \(keep.txt, old\)/ },
  "parent folder": { args: ["old/..", "--name", "app"], code: 2, says: /directory "old\/\.\.": not empty \(keep.txt, old\)/ },
  "empty directory argument": { args: [""], code: 2, says: /directory "": must not be empty/ },
  "control character in the directory": { args: ["a\u001b[31mb", "--name", "app"], code: 2, says: /directory "a\\u001b\[31mb": must not contain control characters/ },
};

const corruptToml = write("wrangler.toml", 'name = "x"\n[[kv_namespaces]\nbinding = ');
const corruptJsonc = write("wrangler.jsonc", '{ "name": "x", "kv_namespaces": [ { "binding": ');

const addCases: Record<string, Case> = {
  "unknown kind": { args: ["add", "queue", "JOBS"], code: 2, says: /"queue": must be one of kv, d1, r2/ },
  "missing binding name": { args: ["add", "kv"], code: 2, says: /missing required argument 'BINDING'/ },
  "binding starting with a digit": { args: ["add", "kv", "1X"], code: 2, says: /"1X": must be an identifier/ },
  "binding with a dash": { args: ["add", "d1", "my-db"], code: 2, says: /"my-db": must be an identifier/ },
  "binding is a reserved word": { args: ["add", "r2", "class"], code: 2, says: /"class": is a reserved word/ },
  "binding shadows a var": { args: ["add", "kv", "ENVIRONMENT"], code: 2, says: /ENVIRONMENT is already a var/ },
  "binding already there, other settings": { args: ["add", "kv", "CACHE", "--id", "abc123"], code: 2, says: /CACHE already exists .* with different settings/ },
  "binding used by another kind": { args: ["add", "d1", "CACHE"], code: 2, says: /CACHE is already a KV namespace binding/ },
  "unknown environment": { args: ["add", "kv", "STORE", "--env", "nope"], code: 2, says: /--env "nope": no such environment/ },
  "KV id with a quote": { args: ["add", "kv", "STORE", "--id", 'a"b'], code: 2, says: /--id "a\\"b": must be/ },
  "D1 name with a space": { args: ["add", "d1", "DB", "--database-name", "my db"], code: 2, says: /--database-name "my db": must be 3-63/ },
  "D1 id with a newline": { args: ["add", "d1", "DB", "--database-id", "x\ny"], code: 2, says: /--database-id "x\\ny": must be/ },
  "bucket name too short": { args: ["add", "r2", "UP", "--bucket-name", "ab"], code: 2, says: /--bucket-name "ab": must be 3-63/ },
  "bucket name with capitals": { args: ["add", "r2", "UP", "--bucket-name", "My-Bucket"], code: 2, says: /--bucket-name "My-Bucket": must be 3-63/ },
  "option for another kind": { args: ["add", "kv", "STORE", "--bucket-name", "abc"], code: 2, says: /--bucket-name: applies to r2 bindings only/ },
  "unknown option": { args: ["add", "kv", "STORE", "--bogus"], code: 2, says: /unknown option '--bogus'/ },
  "missing folder": { args: ["add", "kv", "STORE", "--cwd", "nowhere"], code: 2, says: /--cwd "nowhere": not a directory/ },
  "derived bucket name too long": {
    args: ["add", "r2", "UPLOADS"],
    code: 2,
    says: /"UPLOADS": the derived R2 bucket name "a+-uploads(-staging)?" must be 3-63.*--bucket-name/,
    setup: (dir) => writeFileSync(join(dir, "wrangler.toml"), readFileSync(join(dir, "wrangler.toml"), "utf8").replace(/^name = ".*"$/m, `name = "${long(60)}"`)),
  },
  "TOML it cannot parse": { args: ["add", "kv", "STORE"], code: 1, says: /wrangler\.toml/, setup: corruptToml },
  "JSONC it cannot parse": { args: ["add", "kv", "STORE"], code: 1, says: /wrangler\.jsonc/, project: "jsonc", setup: corruptJsonc },
};

const listCases: Record<string, Case> = {
  "an argument": { args: ["list", "extra"], code: 2, says: /too many arguments for 'list'/ },
  "unknown option": { args: ["list", "--bogus"], code: 2, says: /unknown option '--bogus'/ },
  "missing folder": { args: ["list", "--cwd", "nowhere"], code: 2, says: /no wrangler\.toml, wrangler\.jsonc or wrangler\.json in .*nowhere/ },
  "TOML it cannot parse": { args: ["list"], code: 1, says: /wrangler\.toml/, setup: corruptToml },
  "JSONC it cannot parse": { args: ["list"], code: 1, says: /wrangler\.jsonc/, project: "jsonc", setup: corruptJsonc },
};

/** Every file and folder under `dir`, with file contents, for a byte comparison. */
function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const e of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    const path = join(e.parentPath, e.name);
    out[path.slice(dir.length)] = e.isDirectory() ? "<dir>" : readFileSync(path).toString("base64");
  }
  return out;
}

/** cli()'s output fields, as strings. */
const text = (r: { exitCode?: number; stdout?: unknown; stderr?: unknown; all?: unknown }) => ({
  exitCode: r.exitCode,
  stdout: String(r.stdout),
  stderr: String(r.stderr),
  all: String(r.all),
});

const projects: Record<"toml" | "jsonc", string> = { toml: "", jsonc: "" };

beforeAll(async () => {
  for (const format of ["toml", "jsonc"] as const) {
    const cwd = tmpDir(`bad-input-${format}`);
    const r = text(await cli(["proj", "--yes", "--no-install", "--no-git", "--config", format, "--kv", "CACHE", "--env", "staging"], { cwd }));
    expect(r.exitCode, r.all).toBe(0);
    projects[format] = join(cwd, "proj");
  }
});

function folderFor(command: string, c: Case): string {
  const dir = tmpDir(`bad-${command}`);
  if (command === "create") {
    writeFileSync(join(dir, "keep.txt"), "mine\n");
    mkdirSync(join(dir, "old"));
    writeFileSync(join(dir, "old/notes.md"), "# notes\n");
    return dir;
  }
  cpSync(projects[c.project ?? "toml"], dir, { recursive: true });
  return dir;
}

describe.concurrent.each([
  ["create", createCases],
  ["add", addCases],
  ["list", listCases],
] as const)("%s refuses bad input", (command, cases) => {
  it.each(Object.entries(cases))("%s", async (_title, c) => {
    const dir = folderFor(command, c);
    c.setup?.(dir);
    const before = snapshot(dir);
    const r = text(await cli(c.args, { cwd: join(dir, c.in ?? "") }));
    expect(r.exitCode, r.all).toBe(c.code);
    expect(r.stdout).toBe("");
    const errorLine = r.stderr.split("\n").find((l) => l.startsWith("error:"));
    expect(errorLine, r.stderr).toMatch(c.says);
    expect(r.stderr).not.toMatch(/^\s+at /m);
    expect(r.stderr).not.toMatch(/\b[A-Z]\w*Error\b|node:internal/);
    expect(snapshot(dir)).toEqual(before);
  });
});
