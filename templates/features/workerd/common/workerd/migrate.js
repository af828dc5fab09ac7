// Applies migrations/*.sql to each D1 database that has not had them, in name order,
// recording each in `d1_migrations` as `wrangler d1 migrations apply` does; running it again is a no-op.
// Two ways in (see workerd/config.capnp): run.mjs runs it with `workerd test` before serving, and
// every request passes through its fetch handler, which applies pending migrations once before the
// first request reaches the app. So the compiled executable (no Node, no run.mjs) migrates too.
const TABLE = `CREATE TABLE IF NOT EXISTS d1_migrations(
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  name TEXT UNIQUE,
  applied_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP NOT NULL
)`;

/**
 * A migration file's statements: split at `;` outside quotes, comments and trigger bodies
 * (CREATE TRIGGER ... BEGIN ... END;, where a CASE ... END nests). Statements that are only comments are dropped.
 */
export function statements(sql) {
  const out = [];
  let start = 0;
  let depth = 0; // inside BEGIN ... END of a trigger, plus each CASE ... END within it
  const word = /[A-Za-z_]+/y;
  for (let i = 0; i < sql.length; i++) {
    const c = sql[i];
    if (c === "-" && sql[i + 1] === "-") i = sql.indexOf("\n", i) === -1 ? sql.length : sql.indexOf("\n", i);
    else if (c === "/" && sql[i + 1] === "*") i = sql.indexOf("*/", i + 2) === -1 ? sql.length : sql.indexOf("*/", i + 2) + 1;
    else if (c === "'" || c === '"' || c === "`" || c === "[") {
      const close = c === "[" ? "]" : c;
      let j = i + 1; // a doubled quote is an escaped one
      while (j < sql.length && !(sql[j] === close && sql[j + 1] !== close)) j += sql[j] === close ? 2 : 1;
      i = j;
    } else if (/[A-Za-z_]/.test(c) && !/[A-Za-z0-9_]/.test(sql[i - 1] ?? "")) {
      word.lastIndex = i;
      const w = word.exec(sql)[0].toUpperCase();
      if ((w === "BEGIN" && /\bTRIGGER\b/i.test(sql.slice(start, i))) || (w === "CASE" && depth > 0)) depth++;
      else if (w === "END" && depth > 0) depth--;
      i += w.length - 1;
    } else if (c === ";" && depth === 0) {
      out.push(sql.slice(start, i + 1));
      start = i + 1;
    }
  }
  out.push(sql.slice(start));
  const onlyComments = (s) => s.replace(/--[^\n]*|\/\*[\s\S]*?\*\//g, "").trim().replace(/;$/, "") === "";
  return out.map((s) => s.trim()).filter((s) => !onlyComments(s));
}

/** Bindings `d1:NAME` are the databases, `migrations:NAME` the folder of each. */
async function apply(env) {
  for (const [binding, db] of Object.entries(env)) {
    if (!binding.startsWith("d1:")) continue;
    const name = binding.slice(3);
    const folder = env[`migrations:${name}`];
    const listing = await folder.fetch("http://migrations/");
    if (!listing.ok) throw new Error(`${name}: cannot list its migrations folder: ${listing.status}`);
    const names = (await listing.json())
      .filter((e) => e.type === "file" && e.name.endsWith(".sql"))
      .map((e) => e.name)
      .sort();
    await db.exec(TABLE.replaceAll("\n", " "));
    const { results } = await db.prepare("SELECT name FROM d1_migrations").all();
    const done = new Set(results.map((r) => r.name));
    for (const file of names.filter((n) => !done.has(n))) {
      const res = await folder.fetch(`http://migrations/${encodeURIComponent(file)}`);
      const sql = new TextDecoder().decode(await res.arrayBuffer());
      // One batch is one transaction: the migration and its record land together or not at all.
      try {
        await db.batch([...statements(sql).map((s) => db.prepare(s)), db.prepare("INSERT INTO d1_migrations (name) VALUES (?)").bind(file)]);
      } catch (e) {
        // Requests that arrive together may race to apply the same file: if another one did, go on.
        const other = await db.prepare("SELECT 1 AS done FROM d1_migrations WHERE name = ?").bind(file).first();
        if (!other) throw e;
        continue;
      }
      console.log(`${name}: applied ${file}`);
    }
  }
}

// Set once migrations are in place; until then every request checks (each within its own request:
// workerd does not share I/O between requests).
let migrated = false;

export default {
  async fetch(request, env) {
    try {
      if (!migrated) await apply(env);
      migrated = true;
    } catch (e) {
      console.error(`Applying D1 migrations failed: ${e?.stack ?? e}`);
      return Response.json({ error: "D1 migrations failed; see the server log" }, { status: 503 });
    }
    return env.app.fetch(request);
  },
  async test(_ctrl, env) {
    await apply(env);
  },
};
