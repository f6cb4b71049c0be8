"""docs/api.md's "Walking a case through", executed: the examples must keep working.

The section's conventions (documented there):

- ``$ tongban apikey create …`` lines in a ``sh`` block are run with the real CLI against
  the test database; each key is known as ``department/role``.
- Every ``graphql`` block is followed by a ``json`` block of variables, and optionally by a
  second ``json`` block: the abbreviated response (``"…"`` is any value, ``"abc…"`` any
  string starting with ``abc``, a list ending in ``"…"`` a list that goes on).
- ``<!-- walk: as=dep/role save=NAME:path check=NAME:path error=CODE -->`` above a
  ``graphql`` block says which key sends it, what to remember, what must equal a remembered
  value, and the error code of a step meant to fail. A variable value ``"$NAME"`` is
  replaced by the remembered value.

Operations go over HTTP (Flask's test client, ``POST /graphql``) against a fresh SQLite
database with the demo tree loaded, the server's clock pinned to 2026-09-01 10:00 CST.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import shlex
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from flask.testing import FlaskClient
from graphql import OperationDefinitionNode, parse

from tongban.adapters.files.config_io import load_tree
from tongban.app import create_app
from tongban.bootstrap import bootstrap, case_results
from tongban.cli import main as tongban_cli
from tongban.config import load_settings
from tongban.services.cases.runtime import CaseEnv

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "api.md"
DEMO = ROOT / "tenants"
SECTION = "## Walking a case through"
NOW = dt.datetime(2026, 9, 1, 10, tzinfo=dt.timezone(dt.timedelta(hours=8)))
ELLIPSIS = "…"
PLACEHOLDER = re.compile(r"^\$([A-Z][A-Z0-9_]*)$")
FENCE = re.compile(r"^```(\w*)\n(.*?)^```\s*$", re.S | re.M)
DIRECTIVE = re.compile(r"<!--\s*walk:(.*?)-->", re.S)
TOKEN = re.compile(r"^tb_\S+$", re.M)
# what the walk must keep covering (issue: key, guide, submission, supplement,
# acceptance, joint review, decision, sealed result, events)
REQUIRED_FIELDS = {
    "me",
    "guide",
    "submitApplication",
    "requestSupplement",
    "provideSupplement",
    "acceptCase",
    "worklist",
    "completeStep",
    "decideCase",
    "concludeCase",
    "case",
}


@dataclass
class Step:
    directive: dict[str, list[str]]
    query: str
    variables: dict[str, Any]
    response: Any | None
    line: int

    @property
    def key(self) -> str:
        [who] = self.directive["as"]
        return who

    @property
    def expected_error(self) -> str | None:
        codes = self.directive.get("error", [])
        return codes[0] if codes else None


@dataclass
class Walk:
    commands: list[list[str]] = field(default_factory=list)
    steps: list[Step] = field(default_factory=list)


def section_text() -> str:
    text = DOC.read_text(encoding="utf-8")
    assert SECTION in text, f"{DOC} has no {SECTION!r} section"
    before, body = text.split(SECTION, 1)
    following = re.search(r"^## ", body, re.M)
    body = body[: following.start()] if following else body
    return "\n" * before.count("\n") + body  # keep the file's line numbers


def parse_directive(text: str) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for word in text.split():
        name, sep, value = word.partition("=")
        assert sep and value, f"bad walk directive word {word!r}"
        assert name in {"as", "save", "check", "error"}, f"unknown walk directive {name!r}"
        found.setdefault(name, []).append(value)
    assert len(found.get("as", [])) == 1, f"a walk directive names one key: {text!r}"
    return found


def parse_walk(text: str) -> Walk:
    walk = Walk()
    blocks = list(FENCE.finditer(text))
    for i, block in enumerate(blocks):
        lang, body = block.group(1), block.group(2)
        line = text.count("\n", 0, block.start()) + 1
        if lang == "sh":
            for raw in body.splitlines():
                if raw.startswith("$ tongban apikey create "):
                    walk.commands.append(shlex.split(raw[2:])[1:])
        if lang != "graphql":
            continue
        after = blocks[i + 1] if i + 1 < len(blocks) else None
        assert after and after.group(1) == "json", f"line {line}: no json variables block"
        between = text[block.end() : after.start()]
        assert not between.strip(), f"line {line}: variables must follow the query directly"
        before = text[blocks[i - 1].end() if i else 0 : block.start()]
        directives = DIRECTIVE.findall(before)
        assert directives, f"line {line}: no <!-- walk: … --> above the operation"
        response = None
        nxt = blocks[i + 2] if i + 2 < len(blocks) else None
        if nxt and nxt.group(1) == "json" and not text[after.end() : nxt.start()].strip():
            response = json.loads(nxt.group(2))
        variables = json.loads(after.group(2))
        assert isinstance(variables, dict), f"line {line}: variables must be an object"
        walk.steps.append(Step(parse_directive(directives[-1]), body, variables, response, line))
    return walk


def substitute(value: Any, saved: dict[str, Any], line: int) -> Any:
    if isinstance(value, str):
        match = PLACEHOLDER.match(value)
        if not match:
            return value
        assert match.group(1) in saved, f"line {line}: ${match.group(1)} not saved before"
        return saved[match.group(1)]
    if isinstance(value, list):
        return [substitute(v, saved, line) for v in value]
    if isinstance(value, dict):
        return {k: substitute(v, saved, line) for k, v in value.items()}
    return value


def at_path(data: Any, path: str) -> Any:
    for part in path.split("."):
        data = data[int(part)] if isinstance(data, list) else data[part]
    return data


def mismatch(example: Any, actual: Any, where: str = "") -> str | None:
    """Why ``actual`` does not fit the abbreviated ``example`` (None: it fits)."""
    if example == ELLIPSIS:
        return None
    if isinstance(example, dict):
        if not isinstance(actual, dict):
            return f"{where or '/'}: expected an object, got {actual!r}"
        for key, value in example.items():
            if key not in actual:
                return f"{where}/{key}: missing"
            problem = mismatch(value, actual[key], f"{where}/{key}")
            if problem:
                return problem
        return None
    if isinstance(example, list):
        if not isinstance(actual, list):
            return f"{where}: expected a list, got {actual!r}"
        open_ended = bool(example) and example[-1] == ELLIPSIS
        items = example[:-1] if open_ended else example
        if len(actual) < len(items) or (not open_ended and len(actual) != len(items)):
            return f"{where}: {len(actual)} items, the doc shows {len(items)}"
        for i, value in enumerate(items):
            problem = mismatch(value, actual[i], f"{where}/{i}")
            if problem:
                return problem
        return None
    if isinstance(example, str) and example.endswith(ELLIPSIS) and isinstance(actual, str):
        if actual.startswith(example[: -len(ELLIPSIS)]):
            return None
        return f"{where}: {actual!r} does not start with {example[:-1]!r}"
    if example != actual or type(example) is not type(actual):
        return f"{where}: the doc shows {example!r}, the API returns {actual!r}"
    return None


def results_in(data: Any) -> list[dict[str, Any]]:
    """Every sealed-result verdict (an object with ``valid`` under ``result``) in a response."""
    found: list[dict[str, Any]] = []
    if isinstance(data, dict):
        for key, value in data.items():
            if key == "result" and isinstance(value, dict) and "valid" in value:
                found.append(value)
            else:
                found += results_in(value)
    elif isinstance(data, list):
        for value in data:
            found += results_in(value)
    return found


def root_fields(query: str) -> set[str]:
    """The top-level fields an operation selects."""
    fields: set[str] = set()
    for definition in parse(query).definitions:
        assert isinstance(definition, OperationDefinitionNode)
        fields |= {s.name.value for s in definition.selection_set.selections if hasattr(s, "name")}
    return fields


# ------------------------------------------------------------------------------ tests


def test_the_section_parses_and_covers_the_whole_walk() -> None:
    walk = parse_walk(section_text())
    assert len(walk.commands) >= 2
    assert len(walk.steps) >= 15
    used = set().union(*(root_fields(step.query) for step in walk.steps))
    assert used >= REQUIRED_FIELDS, REQUIRED_FIELDS - used
    keys = {f"{option(c, '--department')}/{option(c, '--role')}" for c in walk.commands}
    assert {step.key for step in walk.steps} <= keys, "a step uses a key step 1 does not create"


def test_the_matcher_reads_abbreviations() -> None:
    assert mismatch({"a": "…", "b": ["x", "…"]}, {"a": 1, "b": ["x", "y"], "c": 2}) is None
    assert mismatch({"s": "abc…"}, {"s": "abcdef"}) is None
    assert mismatch({"s": "abc…"}, {"s": "xbc"})
    assert mismatch(["x"], ["x", "y"])
    assert mismatch({"n": 1}, {"n": True})
    assert mismatch({"n": 1}, {})


def option(command: list[str], name: str) -> str:
    return command[command.index(name) + 1]


@pytest.fixture
def walk_env(tmp_path: Path) -> tuple[FlaskClient, dict[str, str]]:
    environ = {
        "TONGBAN_DATABASE_URL": f"sqlite:///{tmp_path / 'tongban.db'}",
        "TONGBAN_VAR_DIR": str(tmp_path / "var"),
        "TONGBAN_SECRET_KEY": "api-docs-walk-" + "s" * 32,
        "TONGBAN_ENV": "development",
    }
    settings = load_settings(environ)
    platform = bootstrap(settings)
    load_tree(platform.db, DEMO, platform.schemas)

    keys: dict[str, str] = {}
    runner = CliRunner()
    for command in parse_walk(section_text()).commands:
        done = runner.invoke(tongban_cli, command, env=environ, catch_exceptions=False)
        assert done.exit_code == 0, (command, done.output)
        [token] = TOKEN.findall(done.stdout)
        keys[f"{option(command, '--department')}/{option(command, '--role')}"] = token

    app = create_app(platform, testing=True)
    # the view builds its CaseEnv once per app; this one's clock is pinned
    app.extensions["tongban_case_env"] = CaseEnv(
        platform.schemas, sealer=case_results(settings), clock=lambda: NOW
    )
    return app.test_client(), keys


def test_the_walk_runs_over_http(walk_env: tuple[FlaskClient, dict[str, str]]) -> None:
    client, keys = walk_env
    saved: dict[str, Any] = {}
    verdicts: list[dict[str, Any]] = []
    last: dict[str, Any] = {}
    for step in parse_walk(section_text()).steps:
        where = f"docs/api.md step at line {step.line}"
        variables = substitute(step.variables, saved, step.line)
        response = client.post(
            "/graphql",
            json={"query": step.query, "variables": variables},
            headers={"Authorization": f"Bearer {keys[step.key]}"},
        )
        body = response.get_json()
        assert response.status_code == 200, (where, body)
        if step.expected_error:
            codes = [e["extensions"]["code"] for e in body.get("errors", [])]
            assert codes == [step.expected_error], (where, body)
        else:
            assert "errors" not in body, (where, body)
        if step.response is not None:
            problem = mismatch(step.response, body)
            assert problem is None, f"{where}: {problem}"
        data = body.get("data") or {}
        for spec in step.directive.get("save", []):
            name, _, path = spec.partition(":")
            saved[name] = at_path(data, path)
        for spec in step.directive.get("check", []):
            name, _, path = spec.partition(":")
            assert at_path(data, path) == saved[name], (where, spec, data)
        verdicts += results_in(data)
        last = data

    assert verdicts, "the walk never reads a sealed result"
    assert all(v["valid"] and v["reasonCode"] == "VALID" for v in verdicts), verdicts
    final = results_in(last) or verdicts[-1:]
    assert final and final[-1]["valid"] is True and final[-1]["keyId"], final
