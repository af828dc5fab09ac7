// Local R2 storage for workerd: object bodies are files in the BLOBS disk service, and each
// bucket's index (key -> blob, size, etag, metadata) is a SQLite-backed Durable Object, so a put
// or delete is one atomic row change and list is an ordered index scan. Bodies stream straight
// to and from disk: they never pass through the object, and their size is bounded by the disk.
// r2-bucket.js gives the application the R2Bucket API on top of this HTTP protocol:
//   PUT    /object?key=K   body; x-r2-put: {"httpMetadata": {...}, "customMetadata": {...}} -> object JSON
//   GET    /object?key=K   200 body + x-r2-object: object JSON | 404     (HEAD: headers only)
//   POST   /delete         {"keys": [...]} -> 204
//   GET    /list?prefix=&cursor=&limit=&delimiter=   -> {objects, truncated, cursor, delimitedPrefixes}
// The bucket is the binding's props: {"bucket": "<name>"}.
import { DurableObject } from "cloudflare:workers";

export class R2Index extends DurableObject {
  constructor(ctx, env) {
    super(ctx, env);
    this.sql = ctx.storage.sql;
    this.sql.exec(`CREATE TABLE IF NOT EXISTS objects (
      key TEXT PRIMARY KEY, blob TEXT NOT NULL, size INTEGER NOT NULL, etag TEXT NOT NULL,
      version TEXT NOT NULL, uploaded INTEGER NOT NULL, http TEXT NOT NULL, custom TEXT NOT NULL)`);
  }
  head(key) {
    return this.sql.exec("SELECT * FROM objects WHERE key = ?", key).toArray()[0] ?? null;
  }
  /** Stores the row; answers the blob it replaced, for the caller to delete. */
  put(row) {
    const old = this.head(row.key);
    this.sql.exec(
      "INSERT OR REPLACE INTO objects (key, blob, size, etag, version, uploaded, http, custom) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
      row.key, row.blob, row.size, row.etag, row.version, row.uploaded, row.http, row.custom,
    );
    return old?.blob ?? null;
  }
  delete(keys) {
    const blobs = [];
    for (const key of keys) {
      const old = this.head(key);
      if (!old) continue;
      this.sql.exec("DELETE FROM objects WHERE key = ?", key);
      blobs.push(old.blob);
    }
    return blobs;
  }
  list({ prefix = "", cursor = "", limit = 1000, delimiter = "" }) {
    const objects = [];
    const prefixes = new Set();
    let after = cursor;
    let truncated = false;
    // Pages through keys after the cursor; a delimited group counts once and is skipped past whole.
    // The keys that start with the prefix are one range of the index: SQLite compares text bytewise
    // (BINARY), and in UTF-8 that is code point order, so they run from the prefix itself up to the
    // prefix followed by U+10FFFF, the highest code point. One lower bound, max(prefix, cursor),
    // so that the search starts there; `<>` makes it exclusive of the cursor.
    for (;;) {
      const rows = this.sql
        .exec(
          "SELECT * FROM objects WHERE key >= max(?, ?) AND key <> ? AND key < ? || char(1114111) ORDER BY key LIMIT ?",
          prefix, after, after, prefix, limit + 1,
        )
        .toArray();
      if (rows.length === 0) break;
      for (const row of rows) {
        if (objects.length + prefixes.size >= limit) {
          truncated = true;
          break;
        }
        after = row.key;
        const cut = delimiter ? row.key.indexOf(delimiter, prefix.length) : -1;
        if (cut >= 0) {
          const p = row.key.slice(0, cut + delimiter.length);
          prefixes.add(p);
          after = `${p}\u{10FFFF}`;
          break; // the next query resumes after the whole group
        }
        objects.push(row);
      }
      if (truncated || (rows.length <= limit && !delimiter)) break;
    }
    return { objects, truncated, cursor: truncated ? after : undefined, delimitedPrefixes: [...prefixes] };
  }
}

const json = (v, status = 200) => Response.json(v, { status });
const toObject = (row) => ({
  key: row.key, size: row.size, etag: row.etag, version: row.version, uploaded: row.uploaded,
  httpMetadata: JSON.parse(row.http), customMetadata: JSON.parse(row.custom),
});

export default {
  async fetch(request, env, ctx) {
    const bucket = ctx.props?.bucket;
    if (!bucket) return json({ error: "binding has no bucket" }, 500);
    const index = env.INDEX.get(env.INDEX.idFromName(bucket));
    const url = new URL(request.url);
    const key = url.searchParams.get("key");
    const blobUrl = (blob) => `http://blobs/${encodeURIComponent(bucket)}/${blob}`;

    if (url.pathname === "/object" && key !== null) {
      if (request.method === "PUT") {
        const meta = JSON.parse(request.headers.get("x-r2-put") || "{}");
        const blob = crypto.randomUUID();
        const md5 = new crypto.DigestStream("MD5");
        const md5Writer = md5.getWriter();
        let size = 0;
        const counted = new TransformStream({
          async transform(chunk, c) {
            size += chunk.byteLength;
            await md5Writer.write(chunk);
            c.enqueue(chunk);
          },
        });
        const body = request.body ?? new Response("").body;
        const stored = await env.BLOBS.fetch(blobUrl(blob), { method: "PUT", body: body.pipeThrough(counted) });
        if (!stored.ok) return json({ error: `blob write failed: ${stored.status}` }, 500);
        await md5Writer.close();
        const etag = [...new Uint8Array(await md5.digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
        const row = {
          key, blob, size, etag, version: crypto.randomUUID().replaceAll("-", ""), uploaded: Date.now(),
          http: JSON.stringify(meta.httpMetadata ?? {}), custom: JSON.stringify(meta.customMetadata ?? {}),
        };
        const replaced = await index.put(row);
        if (replaced) ctx.waitUntil(env.BLOBS.fetch(blobUrl(replaced), { method: "DELETE" }));
        return json(toObject(row), 201);
      }
      if (request.method === "GET" || request.method === "HEAD") {
        const row = await index.head(key);
        if (!row) return new Response(null, { status: 404 });
        const headers = { "x-r2-object": JSON.stringify(toObject(row)) };
        if (request.method === "HEAD") return new Response(null, { headers });
        const file = await env.BLOBS.fetch(blobUrl(row.blob));
        if (!file.ok) return new Response(null, { status: 404 });
        return new Response(file.body, { headers });
      }
    }
    if (url.pathname === "/delete" && request.method === "POST") {
      const { keys } = await request.json();
      for (const blob of await index.delete(keys)) await env.BLOBS.fetch(blobUrl(blob), { method: "DELETE" });
      return new Response(null, { status: 204 });
    }
    if (url.pathname === "/list" && request.method === "GET") {
      const p = url.searchParams;
      const limit = Math.min(Math.max(Number(p.get("limit") ?? 1000) || 1000, 1), 1000);
      const page = await index.list({ prefix: p.get("prefix") ?? "", cursor: p.get("cursor") ?? "", limit, delimiter: p.get("delimiter") ?? "" });
      return json({ ...page, objects: page.objects.map(toObject) });
    }
    return json({ error: "not found" }, 404);
  },
};
