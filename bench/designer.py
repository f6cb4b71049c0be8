"""Benchmark: what a designer admin feels — from an edit to the problems shown.

Run: ``.venv/bin/python bench/designer.py [--requests 200]``.

Set-up as bench/api.py: a fresh PostgreSQL schema in ``$TONGBAN_BENCH_PG_URL``, migrated,
the demo ``tenants/`` loaded, and an admin API key of 依兰县 230123. The document is 依兰县's
社会保险登记 (000115041004) grown to a 60-field form and a 60-node flow (the four procedure
steps with 54 automatic ``external`` steps between review and conclusion, so it is valid).

Measured, one after the other in the same run, each call sequential (one admin editing):
- ours: ``validateDefinition(document)`` through the real HTTP API — gunicorn (one worker,
  as the edit of one admin reaches one), keep-alive, JSON in and out;
- direct: the same check on the service (``definitions.check_document`` in a read-only
  tenant unit of work) in this process.
Prints p50/p95 of each and, last, ``designer: <ours p95 ms> vs <direct p95 ms> = <ratio>x``
(target: ours p95 < 150 ms). Also the gzip sizes of flow_designer/dist's chunks, if built.
gunicorn is stopped and the schema dropped whatever happens.
"""

from __future__ import annotations

import argparse
import gzip
import http.client
import json
import os
import secrets
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import create_engine, text

from api import (
    PG_URL,
    ROOT,
    TENANTS,
    build_app_once,
    drop_schema,
    free_port,
    percentile,
    schema_url,
    start_gunicorn,
    stop_gunicorn,
    wait_healthy,
)
from tongban.adapters.db import migrate
from tongban.adapters.db.bypass import platform_unit_of_work
from tongban.adapters.db.unit_of_work import Database
from tongban.adapters.files.config_io import load_tree
from tongban.adapters.files.schemas import load_schema_dir
from tongban.services import apikeys, definitions
from tongban.services.schemas import Schemas

COUNTY = "230123"
MATTER_PATH = TENANTS / "100000/230000/230100/230123/matters/000115041004.implementation.yaml"
FIELDS = NODES = 60
TARGET_P95_MS = 150.0
WARMUP = 20
VALIDATE = """query Check($document: GenericScalar!) {
  validateDefinition(document: $document) { code pointer message target { kind id } }
}"""


def big_document() -> dict[str, Any]:
    """依兰县's 社会保险登记 with a 60-field form and a 60-node flow."""
    doc: dict[str, Any] = yaml.safe_load(MATTER_PATH.read_text(encoding="utf-8"))
    properties = doc["form"]["properties"]
    for n in range(len(properties) + 1, FIELDS + 1):
        properties[f"extra{n:02d}"] = {
            "title": f"补充信息{n:02d}",
            "type": "string",
            "maxLength": 100,
        }
    nodes = doc["flow"]["nodes"]
    conclude = next(i for i, node in enumerate(nodes) if node["id"] == "conclude")
    automatic = [
        {"id": f"check{n:02d}", "kind": "external", "system": f"共享核验系统{n:02d}"}
        for n in range(1, NODES - len(nodes) + 1)
    ]
    nodes[conclude:conclude] = automatic
    chain = ["review", *(node["id"] for node in automatic), "conclude"]
    edges = [e for e in doc["flow"]["edges"] if (e["from"], e["to"]) != ("review", "conclude")]
    edges += [{"from": a, "to": b} for a, b in zip(chain, chain[1:], strict=False)]
    doc["flow"]["edges"] = edges
    assert len(doc["form"]["properties"]) == FIELDS and len(nodes) == NODES
    return doc


def set_up(schema: str, schemas: Schemas) -> tuple[str, str]:
    admin = create_engine(PG_URL)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    admin.dispose()
    url = schema_url(schema)
    db = Database(url)
    try:
        migrate.upgrade(db.engine)
        load_tree(db, TENANTS, schemas)
        with platform_unit_of_work(db, "bench: designer key", write=True) as uow:
            _, key = apikeys.create_key(uow, COUNTY, "admin", "bench designer")
            uow.commit()
    finally:
        db.dispose()
    return url, key


def timed(call: Callable[[], None], count: int) -> list[float]:
    for _ in range(WARMUP):
        call()
    seconds = []
    for _ in range(count):
        start = time.perf_counter()
        call()
        seconds.append(time.perf_counter() - start)
    return [1000 * s for s in seconds]


def over_http(port: int, key: str, document: dict[str, Any]) -> Callable[[], None]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    body = json.dumps({"query": VALIDATE, "variables": {"document": document}}).encode()
    headers = {"Authorization": f"Bearer {key}", "Content-Type": "application/json"}

    def call() -> None:
        conn.request("POST", "/graphql", body=body, headers=headers)
        response = conn.getresponse()
        answer = json.loads(response.read())
        if response.status != 200 or "errors" in answer:
            raise RuntimeError(f"HTTP {response.status}: {answer}")

    return call


def direct(db: Database, schemas: Schemas, document: dict[str, Any]) -> Callable[[], None]:
    def call() -> None:
        with db.for_tenant(COUNTY, readonly=True) as uow:
            tenant = uow.tenants.get(COUNTY)
            definitions.check_document(uow, tenant, document, schemas)

    return call


def bundle_sizes() -> list[str]:
    dist = ROOT / "flow_designer" / "dist"
    if not dist.is_dir():
        return ["bundle: flow_designer/dist not built"]
    lines = []
    for path in sorted(dist.rglob("*")):
        if path.suffix in (".js", ".css") and path.is_file():
            raw = path.read_bytes()
            lines.append(
                f"bundle {path.relative_to(dist).as_posix():<48} "
                f"{len(raw) / 1024:8.1f} KiB  gzip {len(gzip.compress(raw, 9)) / 1024:7.1f} KiB"
            )
    lines.append(entry_size(dist))
    return lines


def entry_size(dist: Path) -> str:
    """What the designer's first page load fetches: the entry and its static imports (and
    their CSS), from Vite's manifest; the flow and form designers load later, lazily."""
    manifest = json.loads((dist / ".vite" / "manifest.json").read_text(encoding="utf-8"))
    files: set[str] = set()

    def walk(key: str) -> None:
        chunk = manifest[key]
        if chunk["file"] in files:
            return
        files.add(chunk["file"])
        files.update(chunk.get("css", ()))
        for imported in chunk.get("imports", ()):
            walk(imported)

    walk("src/main.tsx")
    total = sum(len(gzip.compress((dist / name).read_bytes(), 9)) for name in files)
    return f"bundle designer entry (first load, {len(files)} files) gzip {total / 1024:.1f} KiB (target < 700 kB)"


def describe(label: str, ms: list[float]) -> str:
    return (
        f"{label:<8} {len(ms):>5} calls   p50 {percentile(ms, 50):6.1f} ms"
        f"   p95 {percentile(ms, 95):6.1f} ms   max {max(ms):6.1f} ms"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--requests", type=int, default=200)
    args = parser.parse_args()
    schemas = Schemas.from_documents(load_schema_dir())
    document = big_document()
    schema = f"bench_designer_{secrets.token_hex(5)}"
    server = None
    try:
        url, key = set_up(schema, schemas)
        with tempfile.TemporaryDirectory() as var_dir:
            env = {
                **os.environ,
                "TONGBAN_DATABASE_URL": url,
                "TONGBAN_SECRET_KEY": secrets.token_hex(24),
                "TONGBAN_VAR_DIR": var_dir,
                "TONGBAN_EMBEDDED_WORKER": "0",
                "PYTHONPATH": str(ROOT / "platform"),
            }
            build_app_once(env)
            port = free_port()
            server = start_gunicorn(env, port, 1, 2, "tongban.wsgi:app")
            wait_healthy(port, server)
            ours = timed(over_http(port, key, document), args.requests)
        db = Database(url)
        try:
            mine = timed(direct(db, schemas, document), args.requests)
        finally:
            db.dispose()
    finally:
        if server is not None:
            stop_gunicorn(server)
        drop_schema(schema)
    for line in bundle_sizes():
        print(line)
    print(
        f"document: {FIELDS}-field form, {NODES}-node flow; target: ours p95 < {TARGET_P95_MS:.0f} ms"
    )
    print(describe("ours", ours))
    print(describe("direct", mine))
    ours95, direct95 = percentile(ours, 95), percentile(mine, 95)
    print(f"designer: {ours95:.1f} vs {direct95:.1f} = {ours95 / direct95:.2f}x")


if __name__ == "__main__":
    sys.exit(main())
