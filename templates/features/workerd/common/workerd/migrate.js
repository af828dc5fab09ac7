// Applies migrations/*.sql to each D1 database that has not had them, in name order,
// recording each in `d1_migrations` as `wrangler d1 migrations apply` does. Run by run.mjs
// through `workerd test`, so it is done before the server takes requests; running it again is a no-op.
const TABLE = `CREATE TABLE IF NOT EXISTS d1_migrations(
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  name TEXT UNIQUE,
  applied_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP NOT NULL
)`;

/**
 * A migration file's statements: split at `;` outside quotes, comments and trigger bodies
 * (CREATE TRIGGER ... BEGIN ... END;). Statements that are only comments are dropped.
 */
export function statements(sql) {
  const out = [];
  let start = 0;
  let depth = 0; // inside BEGIN ... END of a trigger
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
      if (w === "BEGIN" && /\bTRIGGER\b/i.test(sql.slice(start, i))) depth++;
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

export default {
  async test(_ctrl, env) {
    const listing = await env.migrations.fetch("http://migrations/");
    if (!listing.ok) throw new Error(`cannot list migrations/: ${listing.status}`);
    const names = (await listing.json())
      .filter((e) => e.type === "file" && e.name.endsWith(".sql"))
      .map((e) => e.name)
      .sort();
    for (const [binding, db] of Object.entries(env)) {
      if (!binding.startsWith("d1:")) continue;
      await db.exec(TABLE.replaceAll("\n", " "));
      const { results } = await db.prepare("SELECT name FROM d1_migrations").all();
      const done = new Set(results.map((r) => r.name));
      for (const name of names.filter((n) => !done.has(n))) {
        const file = await env.migrations.fetch(`http://migrations/${encodeURIComponent(name)}`);
        const sql = new TextDecoder().decode(await file.arrayBuffer());
        // One batch is one transaction: the migration and its record land together or not at all.
        await db.batch([
          ...statements(sql).map((s) => db.prepare(s)),
          db.prepare("INSERT INTO d1_migrations (name) VALUES (?)").bind(name),
        ]);
        console.log(`${binding.slice(3)}: applied ${name}`);
      }
    }
  },
};
