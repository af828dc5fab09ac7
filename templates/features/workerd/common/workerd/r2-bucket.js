// The R2Bucket API for workerd, as a `wrapped` binding over r2.js (see the protocol there).
// Supported: head, get, put, delete, list (prefix, cursor, limit, delimiter, include), with
// httpMetadata, customMetadata, etags and bodies of any size. Not supported (they throw):
// range reads, conditional requests (onlyIf) and multipart uploads.
const HTTP_FIELDS = {
  contentType: "content-type",
  contentLanguage: "content-language",
  contentDisposition: "content-disposition",
  contentEncoding: "content-encoding",
  cacheControl: "cache-control",
  cacheExpiry: "expires",
};

function httpMetadataOf(input) {
  if (!input) return {};
  const out = {};
  for (const [field, header] of Object.entries(HTTP_FIELDS)) {
    const v = input instanceof Headers ? input.get(header) : input[field];
    if (v != null) out[field] = v instanceof Date ? v.toISOString() : String(v);
  }
  return out;
}

class R2Object {
  constructor(o) {
    this.key = o.key;
    this.version = o.version;
    this.size = o.size;
    this.etag = o.etag;
    this.httpEtag = `"${o.etag}"`;
    this.uploaded = new Date(o.uploaded);
    this.httpMetadata = { ...o.httpMetadata };
    if (this.httpMetadata.cacheExpiry) this.httpMetadata.cacheExpiry = new Date(this.httpMetadata.cacheExpiry);
    this.customMetadata = { ...o.customMetadata };
    this.checksums = { toJSON: () => ({ md5: o.etag }) };
    this.storageClass = "Standard";
  }
  writeHttpMetadata(headers) {
    for (const [field, header] of Object.entries(HTTP_FIELDS)) {
      const v = this.httpMetadata[field];
      if (v != null) headers.set(header, v instanceof Date ? v.toUTCString() : v);
    }
  }
}

class R2ObjectBody extends R2Object {
  #response;
  constructor(o, response) {
    super(o);
    this.#response = response;
  }
  get body() {
    return this.#response.body;
  }
  get bodyUsed() {
    return this.#response.bodyUsed;
  }
  arrayBuffer() {
    return this.#response.arrayBuffer();
  }
  bytes() {
    return this.#response.arrayBuffer().then((b) => new Uint8Array(b));
  }
  text() {
    return this.#response.text();
  }
  json() {
    return this.#response.json();
  }
  blob() {
    return this.#response.blob();
  }
}

class LocalR2Bucket {
  #fetcher;
  constructor(fetcher) {
    this.#fetcher = fetcher;
  }
  async #call(path, init) {
    const res = await this.#fetcher.fetch(`http://r2${path}`, init);
    if (res.status >= 500) throw new Error(`R2 (local): ${await res.text()}`);
    return res;
  }
  #url = (key) => `/object?key=${encodeURIComponent(String(key))}`;

  async head(key) {
    const res = await this.#call(this.#url(key), { method: "HEAD" });
    return res.status === 404 ? null : new R2Object(JSON.parse(res.headers.get("x-r2-object")));
  }
  async get(key, options = {}) {
    if (options.range || options.onlyIf) throw new Error("R2 (local): range and onlyIf are not supported");
    const res = await this.#call(this.#url(key));
    return res.status === 404 ? null : new R2ObjectBody(JSON.parse(res.headers.get("x-r2-object")), res);
  }
  async put(key, value, options = {}) {
    if (options.onlyIf) throw new Error("R2 (local): onlyIf is not supported");
    const meta = { httpMetadata: httpMetadataOf(options.httpMetadata), customMetadata: options.customMetadata ?? {} };
    const res = await this.#call(this.#url(key), {
      method: "PUT",
      body: value ?? "",
      headers: { "x-r2-put": JSON.stringify(meta) },
    });
    return new R2Object(await res.json());
  }
  async delete(keys) {
    const list = (Array.isArray(keys) ? keys : [keys]).map(String);
    await this.#call("/delete", { method: "POST", body: JSON.stringify({ keys: list }) });
  }
  async list(options = {}) {
    const q = new URLSearchParams();
    for (const k of ["prefix", "cursor", "limit", "delimiter"]) if (options[k] != null) q.set(k, String(options[k]));
    const page = await (await this.#call(`/list?${q}`)).json();
    const include = options.include ?? [];
    const objects = page.objects.map((o) => {
      const obj = new R2Object(o);
      // As in R2, metadata is listed only when asked for.
      if (!include.includes("httpMetadata")) obj.httpMetadata = {};
      if (!include.includes("customMetadata")) obj.customMetadata = {};
      return obj;
    });
    return { objects, truncated: page.truncated, cursor: page.cursor, delimitedPrefixes: page.delimitedPrefixes };
  }
  createMultipartUpload() {
    throw new Error("R2 (local): multipart uploads are not supported");
  }
  resumeMultipartUpload() {
    throw new Error("R2 (local): multipart uploads are not supported");
  }
}

export default function makeBinding(env) {
  return new LocalR2Bucket(env.fetcher);
}
