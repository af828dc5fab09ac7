"""Runs the Worker under plain CPython, with only pytest installed.

Python Workers run on Pyodide, where `workers`, `js` and `pyodide.ffi` exist and bindings are
JavaScript objects. Here those modules are fakes put in sys.modules, and the bindings in `env` are
in-memory KV, D1 (sqlite3, with migrations/*.sql applied) and R2, declared by the wrangler config:
a binding added to the config appears here with no edit. The fakes keep the runtime's shapes, so
the bugs that break a deployed Worker fail here too: binding methods must be awaited, JavaScript
null arrives as `jsnull` (not None), results are JS proxies (`.to_py()` converts them), and a
Python dict or bytes handed to a binding without `to_js` is refused.
"""

import asyncio
import hashlib
import http
import http.client
import json
import os
import re
import sqlite3
import sys
import tomllib
import types
from datetime import UTC, datetime
from email.utils import format_datetime
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


# --- pyodide.ffi and js ---------------------------------------------------------------------


class JsProxy:
    """A JavaScript value seen from Python."""

    js_class = "Object"

    @property
    def constructor(self):
        return types.SimpleNamespace(name=self.js_class)


class JsException(Exception):  # noqa: N818 (the runtime's name)
    pass


class _JsNull:
    def __repr__(self):
        return "jsnull"

    def __bool__(self):
        return False


jsnull = _JsNull()


class JsObject(JsProxy):
    """A plain object: properties are attributes; a missing one raises AttributeError."""

    def __init__(self, props=None, **more):
        self._props = {**(props or {}), **more}

    def __getattr__(self, name):
        try:
            return self.__dict__["_props"][name]
        except KeyError:
            raise AttributeError(name) from None

    def to_py(self):
        return {k: _to_py(v) for k, v in self._props.items()}


class JsArray(JsProxy):
    js_class = "Array"

    def __init__(self, items):
        self._items = list(items)

    def __iter__(self):
        return iter(self._items)

    def __len__(self):
        return len(self._items)

    def __getitem__(self, i):
        return self._items[i]

    @property
    def length(self):
        return len(self._items)

    def to_py(self):
        return [_to_py(v) for v in self._items]


class JsMap(JsProxy):
    js_class = "Map"

    def __init__(self, entries):
        self._entries = dict(entries)

    def to_py(self):
        return {k: _to_py(v) for k, v in self._entries.items()}


class JsBuffer(JsProxy):
    """An ArrayBuffer or Uint8Array."""

    def __init__(self, data, js_class="ArrayBuffer"):
        self._data = bytes(data)
        self.js_class = js_class

    @property
    def byteLength(self):  # noqa: N802 (JavaScript name)
        return len(self._data)

    def to_bytes(self):
        return self._data


class ReadableStream(JsProxy):
    js_class = "ReadableStream"

    def __init__(self, data):
        self._data = bytes(data)


class Headers(JsProxy):
    """A JavaScript Headers object, made with js.Headers.new(): names are case-insensitive."""

    js_class = "Headers"

    def __init__(self, init=None):
        self._map = {}
        for name, value in _header_pairs(init):
            self.append(name, value)

    @classmethod
    def new(cls, init=None):
        return cls(init)

    def get(self, name):
        return self._map.get(name.lower(), jsnull)

    def has(self, name):
        return name.lower() in self._map

    def set(self, name, value):
        self._map[name.lower()] = str(value)

    def append(self, name, value):
        old = self._map.get(name.lower())
        self.set(name, value if old is None else f"{old}, {value}")

    def delete(self, name):
        self._map.pop(name.lower(), None)


def _to_py(value):
    return value.to_py() if hasattr(value, "to_py") else value


def to_js(value, *, dict_converter=None, **_options):
    """Like pyodide.ffi.to_js: dicts become Maps unless dict_converter=Object.fromEntries."""
    if isinstance(value, (bytes, bytearray, memoryview)):
        return JsBuffer(value, "Uint8Array")
    if isinstance(value, dict):
        entries = [(k, to_js(v, dict_converter=dict_converter)) for k, v in value.items()]
        return dict_converter(entries) if dict_converter else JsMap(entries)
    if isinstance(value, (list, tuple)):
        return JsArray(to_js(v, dict_converter=dict_converter) for v in value)
    return value


def _missing(value):
    return value is None or value is jsnull


def _js_options(options, method):
    """Options objects must be plain JS objects: a dict or a Map would be silently ignored."""
    if _missing(options):
        return {}
    if isinstance(options, JsObject):
        return options.to_py()
    raise TypeError(
        f"{method}: options must be a JavaScript object; pass "
        f"to_js(options, dict_converter=Object.fromEntries), not {type(options).__name__}"
    )


def _body_bytes(value, method):
    if isinstance(value, str):
        return value.encode()
    if isinstance(value, (JsBuffer, ReadableStream)):
        return value._data
    raise TypeError(
        f"{method}: a {type(value).__name__} is not a string, ArrayBuffer, ArrayBufferView or "
        "ReadableStream; convert Python bytes with to_js(data)"
    )


# --- workers --------------------------------------------------------------------------------

NULL_BODY_STATUSES = {101, 204, 205, 304}
JS_BODIES = {"ArrayBuffer", "Uint8Array", "ReadableStream", "Blob", "FormData", "URLSearchParams"}


def _header_pairs(headers):
    if headers is None:
        return []
    if isinstance(headers, Headers):
        return list(headers._map.items())
    if isinstance(headers, dict):
        headers = list(headers.items())
    if not isinstance(headers, list):
        raise TypeError("Received unexpected type for headers argument")
    for name, value in headers:
        if not isinstance(value, str):
            raise TypeError(f"header {name!r}: value must be a str, not {type(value).__name__}")
    return [(name.lower(), value) for name, value in headers]


class _Body:
    _body = None

    def _take(self):
        if self._used:
            raise OSError("Body already used")
        self._used = True
        return self._body or b""

    async def bytes(self):
        return self._take()

    async def text(self):
        return self._take().decode()

    async def buffer(self):
        return JsBuffer(self._take())


class Request(_Body):
    def __init__(self, url, *, method="GET", headers=None, body=None):
        self.url = url
        self.method = http.HTTPMethod[str(method).upper()]
        self.headers = http.client.HTTPMessage()
        for name, value in _header_pairs(headers):
            self.headers[name] = value
        if body is not None and self.method in ("GET", "HEAD"):
            raise TypeError("Request with a GET or HEAD method cannot have a body.")
        self._body = body.encode() if isinstance(body, str) else body
        self._used = False

    async def json(self):
        return json.loads(await self.text())


class Response(_Body):
    def __init__(self, body=None, status=None, status_text="", headers=None):
        pairs = _header_pairs(headers)
        if isinstance(body, JsProxy):
            if body.constructor.name not in JS_BODIES:
                raise TypeError(f"Unsupported type in Response: {body.constructor.name}")
            self._body = _body_bytes(body, "Response()")
        elif isinstance(body, str):
            self._body = body.encode()
            if not any(name == "content-type" for name, _ in pairs):
                pairs.append(("content-type", "text/plain;charset=UTF-8"))
        elif body is None or isinstance(body, bytes):
            self._body = body
        else:
            raise TypeError(f"Unsupported type in Response: {type(body).__name__}")
        self.status = 200 if status is None else int(status)
        if not 200 <= self.status <= 599:
            raise ValueError(
                f"Responses may only be constructed with status 200-599: {self.status}"
            )
        if self.status in NULL_BODY_STATUSES and body is not None:
            raise TypeError(f"Response with null body status ({self.status}) cannot have a body.")
        self.status_text = status_text
        self.headers = dict(pairs)
        self._used = False

    @property
    def ok(self):
        return 200 <= self.status < 300

    def json(self, *args, **kwargs):
        # As in the runtime: Response.json(data, status=...) builds one, response.json() reads one.
        if isinstance(self, Response):
            return self._read_json()
        return Response.from_json(self, *args, **kwargs)

    async def _read_json(self):
        return json.loads(await self.text())

    @staticmethod
    def from_json(data, status=200, status_text="", headers=None):
        pairs = _header_pairs(headers)
        if not any(name == "content-type" for name, _ in pairs):
            pairs.append(("content-type", "application/json"))
        return Response(json.dumps(data), status=status, status_text=status_text, headers=pairs)


class WorkerEntrypoint:
    def __init__(self, ctx, env):
        self.ctx = ctx
        self.env = env


class Context:
    def __init__(self):
        self.tasks = []

    def waitUntil(self, awaitable):  # noqa: N802 (JavaScript name)
        self.tasks.append(awaitable)

    async def drain(self):
        """Awaits what waitUntil() was given, as the runtime does once the response is sent."""
        while self.tasks:
            await self.tasks.pop(0)


# --- bindings -------------------------------------------------------------------------------


class KVNamespace(JsProxy):
    js_class = "KvNamespace"

    def __init__(self):
        self.data = {}

    async def get(self, key, options=None):
        kind = options if isinstance(options, str) else _js_options(options, "get").get("type")
        value = self.data.get(_key(key))
        if value is None:
            return jsnull
        if kind == "json":
            return to_js(json.loads(value), dict_converter=_from_entries)
        if kind == "arrayBuffer":
            return JsBuffer(value)
        return value.decode()

    async def put(self, key, value, options=None):
        _js_options(options, "put")
        self.data[_key(key)] = _body_bytes(value, "KVNamespace.put()")

    async def delete(self, key):
        self.data.pop(_key(key), None)

    async def list(self, options=None):
        prefix = _js_options(options, "list").get("prefix") or ""
        keys = [JsObject(name=k) for k in sorted(self.data) if k.startswith(prefix)]
        return JsObject(keys=JsArray(keys), list_complete=True, cacheStatus=None)


def _key(key):
    if not isinstance(key, str) or key == "":
        raise TypeError(f"keys must be non-empty strings, not {key!r}")
    return key


class D1Database(JsProxy):
    def __init__(self, migrations):
        self.conn = sqlite3.connect(":memory:", isolation_level=None)
        for sql in sorted(migrations.glob("*.sql")) if migrations.is_dir() else []:
            self.conn.executescript(sql.read_text())

    def close(self):
        self.conn.close()

    def prepare(self, sql):
        return D1PreparedStatement(self.conn, sql, ())

    async def exec(self, sql):
        try:
            self.conn.executescript(sql)
        except sqlite3.Error as e:
            raise JsException(f"D1_EXEC_ERROR: {e}") from None
        return JsObject(count=len([s for s in sql.split(";") if s.strip()]), duration=0)

    async def batch(self, statements):
        return JsArray([await s.all() for s in statements])


def _d1_value(value):
    if value is None:
        raise TypeError("D1_TYPE_ERROR: Type 'undefined' not supported for value 'undefined'")
    if value is jsnull:
        return None
    if isinstance(value, (str, int, float)):
        return value
    if isinstance(value, JsBuffer):
        return value.to_bytes()
    raise TypeError(f"D1_TYPE_ERROR: Type '{type(value).__name__}' not supported")


def _js_row(value):
    if value is None:
        return jsnull
    if isinstance(value, bytes):
        return JsArray(value)
    return value


class D1PreparedStatement(JsProxy):
    def __init__(self, conn, sql, params):
        self._conn, self._sql, self._params = conn, sql, params

    def bind(self, *values):
        return D1PreparedStatement(self._conn, self._sql, tuple(_d1_value(v) for v in values))

    def _execute(self):
        try:
            cursor = self._conn.execute(self._sql, self._params)
            names = [c[0] for c in cursor.description or []]
            rows = [
                {n: _js_row(v) for n, v in zip(names, row, strict=True)}
                for row in cursor.fetchall()
            ]
        except (sqlite3.Error, ValueError) as e:
            raise JsException(f"D1_ERROR: {e}") from None
        meta = JsObject(last_row_id=cursor.lastrowid, changes=max(cursor.rowcount, 0), duration=0)
        return rows, meta

    async def all(self):
        rows, meta = self._execute()
        return JsObject(results=JsArray(JsObject(r) for r in rows), success=True, meta=meta)

    run = all

    async def first(self, column=None):
        rows, _ = self._execute()
        if not rows:
            return jsnull
        return JsObject(rows[0]) if column is None else rows[0][column]

    async def raw(self, options=None):
        rows, _ = self._execute()
        return JsArray(JsArray(r.values()) for r in rows)


class R2Object(JsObject):
    js_class = "R2Object"

    def writeHttpMetadata(self, headers):  # noqa: N802 (JavaScript name)
        """Sets Content-Type, Cache-Control etc. from httpMetadata on a js.Headers object."""
        if not isinstance(headers, Headers):
            raise TypeError(
                "writeHttpMetadata: parameter 1 is not of type 'Headers'; pass js.Headers.new()"
            )
        for key, value in self.httpMetadata.to_py().items():
            if key in HTTP_METADATA_HEADERS and not _missing(value):
                if isinstance(value, datetime):
                    value = format_datetime(value.astimezone(UTC), usegmt=True)
                headers.set(HTTP_METADATA_HEADERS[key], value)


HTTP_METADATA_HEADERS = {
    "contentType": "content-type",
    "contentLanguage": "content-language",
    "contentDisposition": "content-disposition",
    "contentEncoding": "content-encoding",
    "cacheControl": "cache-control",
    "cacheExpiry": "expires",
}


class R2ObjectBody(R2Object):
    js_class = "GetResult"

    async def arrayBuffer(self):  # noqa: N802 (JavaScript name)
        return JsBuffer(self.body._data)

    async def text(self):
        return self.body._data.decode()

    async def json(self):
        return to_js(json.loads(self.body._data), dict_converter=_from_entries)


class R2Bucket(JsProxy):
    js_class = "R2Bucket"

    def __init__(self):
        self.objects = {}

    def _object(self, key, cls=R2Object):
        stored = self.objects.get(_key(key))
        if stored is None:
            return jsnull
        data, meta = stored
        props = {**meta, "key": key, "size": len(data)}
        props["httpMetadata"] = JsObject(meta["httpMetadata"])
        props["customMetadata"] = JsObject(meta["customMetadata"])
        if cls is R2ObjectBody:
            props["body"] = ReadableStream(data)
        return cls(props)

    async def put(self, key, value, options=None):
        data = b"" if _missing(value) else _body_bytes(value, "R2Bucket.put()")
        opts = _js_options(options, "R2Bucket.put()")
        custom = opts.get("customMetadata") or {}
        if not all(isinstance(v, str) for v in custom.values()):
            raise TypeError("R2Bucket.put(): customMetadata values must be strings")
        etag = hashlib.md5(data).hexdigest()
        self.objects[_key(key)] = (
            data,
            {
                "etag": etag,
                "httpEtag": f'"{etag}"',
                "version": etag,
                "uploaded": datetime.now(UTC),
                "httpMetadata": dict(opts.get("httpMetadata") or {}),
                "customMetadata": dict(custom),
            },
        )
        return self._object(key)

    async def get(self, key, options=None):
        _js_options(options, "R2Bucket.get()")
        return self._object(key, R2ObjectBody)

    async def head(self, key):
        return self._object(key)

    async def delete(self, keys):
        for key in [keys] if isinstance(keys, str) else list(keys):
            self.objects.pop(_key(key), None)

    async def list(self, options=None):
        opts = _js_options(options, "R2Bucket.list()")
        prefix, limit = opts.get("prefix") or "", int(opts.get("limit") or 1000)
        start = int(opts.get("cursor") or 0)
        keys = [k for k in sorted(self.objects) if k.startswith(prefix)]
        page = [self._object(k) for k in keys[start : start + limit]]
        truncated = start + limit < len(keys)
        result = {
            "objects": JsArray(page),
            "truncated": truncated,
            "delimitedPrefixes": JsArray([]),
        }
        if truncated:
            result["cursor"] = str(start + limit)
        return JsObject(result)


def _from_entries(entries):
    return JsObject(dict(entries))


# --- the wrangler config --------------------------------------------------------------------


def strip_jsonc(text):
    """Drops comments and trailing commas outside strings, so json.loads reads JSONC."""
    out, i, n = [], 0, len(text)
    while i < n:
        c = text[i]
        if c == '"':
            end = i + 1
            while text[end] != '"':
                end += 2 if text[end] == "\\" else 1
            out.append(text[i : end + 1])
            i = end + 1
        elif text.startswith("//", i):
            end = text.find("\n", i)
            i = n if end < 0 else end
        elif text.startswith("/*", i):
            i = text.index("*/", i) + 2
        elif c == "," and re.match(r"\s*[}\]]", _rest_without_comments(text, i + 1)):
            i += 1
        else:
            out.append(c)
            i += 1
    return "".join(out)


def _rest_without_comments(text, i):
    # Enough of what follows a comma to see whether a closing bracket comes next.
    rest = text[i : i + 4096]
    return re.sub(r"//[^\n]*|/\*.*?\*/", "", rest, flags=re.S)


def read_config(root=ROOT):
    for name in ("wrangler.json", "wrangler.jsonc", "wrangler.toml"):
        path = root / name
        if path.exists():
            text = path.read_text()
            return tomllib.loads(text) if name.endswith(".toml") else json.loads(strip_jsonc(text))
    raise FileNotFoundError(f"no wrangler.json, wrangler.jsonc or wrangler.toml in {root}")


def make_env(config, environment=None):
    """The env a Worker sees. Environments inherit neither vars nor bindings, as in wrangler."""
    scope = config["env"][environment] if environment else config
    env = types.SimpleNamespace()
    for name, value in (scope.get("vars") or {}).items():
        setattr(
            env,
            name,
            value if isinstance(value, str) else to_js(value, dict_converter=_from_entries),
        )
    for b in scope.get("kv_namespaces") or []:
        setattr(env, b["binding"], KVNamespace())
    for b in scope.get("d1_databases") or []:
        setattr(env, b["binding"], D1Database(ROOT / b.get("migrations_dir", "migrations")))
    for b in scope.get("r2_buckets") or []:
        setattr(env, b["binding"], R2Bucket())
    return env


def _install_fakes():
    ffi = types.ModuleType("pyodide.ffi")
    ffi.__dict__.update(
        JsProxy=JsProxy, JsException=JsException, JsBuffer=JsBuffer, jsnull=jsnull, to_js=to_js
    )
    pyodide = types.ModuleType("pyodide")
    pyodide.__dict__.update(ffi=ffi)
    js = types.ModuleType("js")
    js.__dict__.update(Object=types.SimpleNamespace(fromEntries=_from_entries), Headers=Headers)
    workers = types.ModuleType("workers")
    workers.__dict__.update(
        WorkerEntrypoint=WorkerEntrypoint, Response=Response, Request=Request, Context=Context
    )
    sys.modules.update({"pyodide": pyodide, "pyodide.ffi": ffi, "js": js, "workers": workers})


_install_fakes()


# --- fixtures -------------------------------------------------------------------------------


class Reply:
    """A response, read: status, headers (lower-case names), body bytes, text and json()."""

    def __init__(self, status, headers, body):
        self.status, self.headers, self.body = status, headers, body
        self.text = body.decode(errors="replace")

    def json(self):
        return json.loads(self.body)


@pytest.fixture
def env():
    """Fresh, empty bindings for each test; CLOUDFLARE_ENV picks an environment."""
    env = make_env(read_config(), os.environ.get("CLOUDFLARE_ENV") or None)
    yield env
    for binding in vars(env).values():
        if isinstance(binding, D1Database):
            binding.close()


@pytest.fixture
def run():
    """Runs a coroutine to completion: run(env.CACHE.get("k"))."""
    return asyncio.run


@pytest.fixture
def call(env):
    """call("GET", "/path", body=..., headers={...}) -> Reply, through the Worker's fetch()."""
    from entry import Default

    ctx = Context()
    worker = Default(ctx, env)

    def call(method, path, body=None, headers=None):
        async def go():
            request = Request(
                f"https://worker.test{path}", method=method, body=body, headers=headers
            )
            try:
                response = await worker.fetch(request)
                assert isinstance(response, Response), f"fetch() returned {response!r}"
                return Reply(response.status, response.headers, await response.bytes())
            finally:
                await ctx.drain()  # ctx.waitUntil() work, finished before call() returns

        return asyncio.run(go())

    return call
