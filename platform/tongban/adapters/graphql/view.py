"""The /graphql endpoint: a hand-written Flask view (parse → validate → execute).

POST ``application/json`` ``{"query", "variables", "operationName"}``. In order:
1. body and query size (HTTP 413 ``QUERY_TOO_LARGE``), well-formed JSON (400 ``BAD_REQUEST``);
2. credentials (401 ``UNAUTHENTICATED``; see auth.py);
3. parse (400 ``GRAPHQL_PARSE_FAILED``);
4. validate with graphql-core's ``specified_rules`` (+ the introspection switch), then, if
   the document is sound, the limits: depth (graphene's ``depth_limit_validator``), field
   count with fragments expanded, and aliases (400, every problem listed);
5. execute. Errors a resolver raises on purpose (``TongbanError``) come back with their
   code (HTTP 200, partial data); anything else is HTTP 500 ``INTERNAL`` with a request id
   that is logged with the traceback.

GET serves a small self-contained query page (no CDN: GraphiQL's JavaScript is not bundled
here) unless ``TONGBAN_ENV=production``.
"""

from __future__ import annotations

import dataclasses
import threading
import uuid
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from flask import Blueprint, Flask, Request, Response, current_app, request
from flask.sessions import SecureCookieSessionInterface, SessionMixin
from graphene.validation import depth_limit_validator
from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
    execute,
    parse,
    specified_rules,
    validate,
)
from graphql.validation import ValidationContext, ValidationRule

from tongban.adapters.graphql.auth import AuthFailure, authenticate_request
from tongban.adapters.graphql.context import GraphQLContext
from tongban.adapters.graphql.errors import Code, error, format_error, internal, is_unexpected, log
from tongban.adapters.graphql.responses import json_response, with_request_id
from tongban.adapters.graphql.schema import schema
from tongban.bootstrap import Platform, case_env
from tongban.config import development_seal_key
from tongban.core.seals import SealError
from tongban.services.cases.runtime import CaseEnv

blueprint = Blueprint("graphql", __name__)
GRAPHQL_PATH = "/graphql"


@dataclass(frozen=True)
class Limits:
    """Set through the Flask config (``GRAPHQL_MAX_*``, ``GRAPHQL_INTROSPECTION``)."""

    max_body_bytes: int = 1_000_000  # the whole JSON body, variables included
    max_query_bytes: int = 10_000  # the query text
    max_depth: int = 10
    max_fields: int = 500  # field selections, with fragments expanded
    max_aliases: int = 30
    introspection: bool = True

    @classmethod
    def of(cls, app: Flask, platform: Platform) -> Limits:
        config = app.config
        default = cls()
        return cls(
            max_body_bytes=int(config.get("GRAPHQL_MAX_BODY_BYTES", default.max_body_bytes)),
            max_query_bytes=int(config.get("GRAPHQL_MAX_QUERY_BYTES", default.max_query_bytes)),
            max_depth=int(config.get("GRAPHQL_MAX_DEPTH", default.max_depth)),
            max_fields=int(config.get("GRAPHQL_MAX_FIELDS", default.max_fields)),
            max_aliases=int(config.get("GRAPHQL_MAX_ALIASES", default.max_aliases)),
            introspection=bool(
                config.get("GRAPHQL_INTROSPECTION", not platform.settings.production)
            ),
        )


# --- validation rules ------------------------------------------------------------------


class NoIntrospection(ValidationRule):
    """Refuse ``__schema`` and ``__type`` but allow ``__typename`` (clients add it)."""

    def enter_field(self, node: FieldNode, *_args: Any) -> None:
        name = node.name.value
        if name.startswith("__") and name != "__typename":
            self.report_error(
                GraphQLError(
                    f"Cannot query '{name}': introspection is disabled.",
                    node,
                    extensions={"code": Code.INTROSPECTION_DISABLED},
                )
            )


def _cost(
    selections: SelectionSetNode | None,
    fragments: Mapping[str, FragmentDefinitionNode],
    memo: dict[str, tuple[int, int]],
    stack: frozenset[str] = frozenset(),
) -> tuple[int, int]:
    """(fields, aliases) of a selection set, each fragment spread counted where it is used."""
    if selections is None:
        return 0, 0
    fields = aliases = 0
    for node in selections.selections:
        if isinstance(node, FieldNode):
            sub_fields, sub_aliases = _cost(node.selection_set, fragments, memo, stack)
            fields += 1 + sub_fields
            aliases += (1 if node.alias else 0) + sub_aliases
        elif isinstance(node, InlineFragmentNode):
            sub_fields, sub_aliases = _cost(node.selection_set, fragments, memo, stack)
            fields, aliases = fields + sub_fields, aliases + sub_aliases
        elif isinstance(node, FragmentSpreadNode):
            name = node.name.value
            if name in stack or name not in fragments:
                continue  # a cycle or an unknown fragment: the spec rules report it
            if name not in memo:
                memo[name] = _cost(fragments[name].selection_set, fragments, memo, stack | {name})
            fields, aliases = fields + memo[name][0], aliases + memo[name][1]
    return fields, aliases


def cost_rule(max_fields: int, max_aliases: int) -> type[ValidationRule]:
    class CostLimit(ValidationRule):
        def __init__(self, context: ValidationContext) -> None:
            super().__init__(context)
            document: DocumentNode = context.document
            fragments = {
                d.name.value: d
                for d in document.definitions
                if isinstance(d, FragmentDefinitionNode)
            }
            memo: dict[str, tuple[int, int]] = {}
            for op in document.definitions:
                if not isinstance(op, OperationDefinitionNode):
                    continue
                name = op.name.value if op.name else "anonymous"
                fields, aliases = _cost(op.selection_set, fragments, memo)
                if fields > max_fields:
                    self.report_error(
                        GraphQLError(
                            f"'{name}' selects {fields} fields; the limit is {max_fields}.",
                            op,
                            extensions={"code": Code.QUERY_TOO_COMPLEX, "limit": max_fields},
                        )
                    )
                if aliases > max_aliases:
                    self.report_error(
                        GraphQLError(
                            f"'{name}' uses {aliases} aliases; the limit is {max_aliases}.",
                            op,
                            extensions={"code": Code.TOO_MANY_ALIASES, "limit": max_aliases},
                        )
                    )

    return CostLimit


def check(document: DocumentNode, limits: Limits) -> list[GraphQLError]:
    """Every problem with the document: spec rules first, then (if sound) the limits."""
    rules: list[type[ValidationRule]] = list(specified_rules)
    if not limits.introspection:
        rules.append(NoIntrospection)
    problems = validate(schema.graphql_schema, document, rules)
    if problems:
        return problems
    # graphene's depth validator assumes known, acyclic fragments: the spec rules passed
    depth_problems = validate(
        schema.graphql_schema, document, [depth_limit_validator(limits.max_depth)]
    )
    for problem in depth_problems:
        problem.extensions = {"code": Code.QUERY_TOO_DEEP, "limit": limits.max_depth}
    cost_problems = validate(
        schema.graphql_schema, document, [cost_rule(limits.max_fields, limits.max_aliases)]
    )
    return [*depth_problems, *cost_problems]


# Clients send the same few operations over and over: a document that parsed and passed
# every check is kept (by its text and the limits it passed), so it is parsed and validated
# once per process. Documents with problems are never kept.
_DOCUMENTS: OrderedDict[tuple[str, Limits], DocumentNode] = OrderedDict()
_MAX_DOCUMENTS = 512
_DOCUMENTS_LOCK = threading.Lock()


def _checked_document(query: str, limits: Limits) -> DocumentNode | None:
    with _DOCUMENTS_LOCK:
        document = _DOCUMENTS.get((query, limits))
        if document is not None:
            _DOCUMENTS.move_to_end((query, limits))
        return document


def _remember_document(query: str, limits: Limits, document: DocumentNode) -> None:
    with _DOCUMENTS_LOCK:
        _DOCUMENTS[(query, limits)] = document
        while len(_DOCUMENTS) > _MAX_DOCUMENTS:
            _DOCUMENTS.popitem(last=False)


# --- the view --------------------------------------------------------------------------


def _errors(request_id: str, status: int, *errors: dict[str, Any]) -> Response:
    return json_response({"errors": list(errors)}, status, request_id)


def _platform() -> Platform:
    found: Platform = current_app.extensions["tongban"]
    return found


def _case_env(platform: Platform) -> CaseEnv:
    """Made once per app. Hand-built development settings may lack TONGBAN_SEAL_KEY (which
    ``load_settings`` always sets): as on the pages, the development key stands in."""
    env: CaseEnv | None = current_app.extensions.get("tongban_case_env")
    if env is None:
        try:
            env = case_env(platform)
        except SealError:
            if platform.settings.production:
                raise
            settings = dataclasses.replace(
                platform.settings, seal_key=development_seal_key(platform.settings.secret_key)
            )
            env = case_env(dataclasses.replace(platform, settings=settings))
        current_app.extensions["tongban_case_env"] = env
    return env


@blueprint.route(GRAPHQL_PATH, methods=["POST"])
@with_request_id(log, "graphql request")
def graphql_post(request_id: str) -> Response:
    platform = _platform()
    limits = Limits.of(current_app, platform)
    if (request.content_length or 0) > limits.max_body_bytes:
        return _errors(
            request_id,
            413,
            error(
                f"请求过大 (request body over {limits.max_body_bytes} bytes)",
                Code.QUERY_TOO_LARGE,
                request_id,
                limit=limits.max_body_bytes,
            ),
        )
    payload = request.get_json(silent=True)
    if not isinstance(payload, dict) or not isinstance(payload.get("query"), str):
        return _errors(
            request_id,
            400,
            error(
                'body must be JSON {"query": "…", "variables": {…}, "operationName": "…"}',
                Code.BAD_REQUEST,
                request_id,
            ),
        )
    query: str = payload["query"]
    variables = payload.get("variables")
    operation_name = payload.get("operationName")
    if variables is not None and not isinstance(variables, dict):
        return _errors(
            request_id, 400, error("variables must be a JSON object", Code.BAD_REQUEST, request_id)
        )
    if operation_name is not None and not isinstance(operation_name, str):
        return _errors(
            request_id,
            400,
            error("operationName must be a string", Code.BAD_REQUEST, request_id),
        )
    size = len(query.encode("utf-8"))
    if size > limits.max_query_bytes:
        return _errors(
            request_id,
            413,
            error(
                f"查询过大 (query is {size} bytes; the limit is {limits.max_query_bytes})",
                Code.QUERY_TOO_LARGE,
                request_id,
                limit=limits.max_query_bytes,
            ),
        )
    principal = authenticate_request(platform)
    if isinstance(principal, AuthFailure):
        response = _errors(
            request_id,
            401,
            error(principal.message, Code.UNAUTHENTICATED, request_id, reason=principal.reason),
        )
        response.headers["WWW-Authenticate"] = 'Bearer realm="tongban"'
        return response
    document = _checked_document(query, limits)
    if document is None:
        try:
            document = parse(query)
        except GraphQLError as exc:
            return _errors(request_id, 400, format_error(exc, request_id, Code.PARSE_FAILED))
        problems = check(document, limits)
        if problems:
            return _errors(
                request_id,
                400,
                *(format_error(p, request_id, Code.VALIDATION_FAILED) for p in problems),
            )
        _remember_document(query, limits, document)
    context = GraphQLContext(platform, _case_env(platform), principal, request_id)
    result = execute(
        schema.graphql_schema,
        document,
        context_value=context,
        variable_values=variables,
        operation_name=operation_name,
    )
    errors = result.errors or []
    unexpected = [e for e in errors if is_unexpected(e)]
    if unexpected:
        for err in unexpected:
            original = err.original_error
            assert original is not None
            log.error(
                "graphql request %s: unexpected error at %s",
                request_id,
                ".".join(str(p) for p in err.path or ()),
                exc_info=(type(original), original, original.__traceback__),
            )
        return json_response(internal(request_id), 500, request_id)
    body: dict[str, Any] = {}
    if errors:
        body["errors"] = [format_error(e, request_id, Code.BAD_REQUEST) for e in errors]
    body["data"] = result.data
    # nothing executed (e.g. a variable of the wrong type): a bad request
    executed = result.data is not None or any(e.path for e in errors)
    return json_response(body, 200 if executed else 400, request_id)


@blueprint.route(GRAPHQL_PATH, methods=["GET"])
def graphql_page() -> Response:
    request_id = uuid.uuid4().hex
    if _platform().settings.production:
        response = _errors(
            request_id,
            405,
            error("POST a JSON GraphQL request to /graphql", Code.BAD_REQUEST, request_id),
        )
        response.headers["Allow"] = "POST"
        return response
    return Response(QUERY_PAGE, mimetype="text/html")


class BearerSkipsSession(SecureCookieSessionInterface):
    """A request to /graphql that carries a bearer key or token is authenticated by it
    alone (auth.py), so its session cookie is neither decoded nor written back: it gets an
    empty session of its own that is never saved."""

    def open_session(self, app: Flask, incoming: Request) -> SessionMixin | None:
        if _bearer_graphql(incoming):
            return self.session_class()
        return super().open_session(app, incoming)

    def save_session(self, app: Flask, session: SessionMixin, response: Response) -> None:
        if not _bearer_graphql(request):
            super().save_session(app, session, response)


def _bearer_graphql(incoming: Request) -> bool:
    return incoming.path == GRAPHQL_PATH and incoming.headers.get(
        "Authorization", ""
    ).lower().startswith("bearer ")


def register(app: Flask) -> None:
    """Mount /graphql on the web app. API clients post JSON with a key, not a form: if
    CSRF protection is installed, /graphql is exempt from it."""
    app.register_blueprint(blueprint)
    csrf = app.extensions.get("csrf")
    if csrf is not None:
        csrf.exempt(blueprint)
    if type(app.session_interface) is SecureCookieSessionInterface:
        app.session_interface = BearerSkipsSession()


QUERY_PAGE = """<!doctype html>
<html lang="zh"><head><meta charset="utf-8"><title>通办 GraphQL</title>
<style>
body{font-family:sans-serif;margin:1em;}textarea,input{font-family:monospace;width:100%;}
.row{display:flex;gap:1em}.row>div{flex:1}pre{background:#f4f4f4;padding:1em;overflow:auto}
</style></head><body>
<h1>通办 GraphQL</h1>
<p>Development only. Logged-in users are sent with their session; systems paste an API key.
The schema is in <code>docs/schema.graphql</code>; the guide in <code>docs/api.md</code>.</p>
<label>API key or token (optional): <input id="key" placeholder="tb_… / tbu_…"></label>
<div class="row"><div><label>Query<br><textarea id="query" rows="18">{
  me { tenant { code name } roles department }
  matters(first: 5) { items { kind code name tenant { code name } } nextCursor }
}</textarea></label></div>
<div><label>Variables (JSON)<br><textarea id="variables" rows="18">{}</textarea></label></div>
</div>
<button id="run">Run ▶</button>
<pre id="out"></pre>
<script>
document.getElementById("run").onclick = async () => {
  const headers = {"Content-Type": "application/json"};
  const key = document.getElementById("key").value.trim();
  if (key) headers["Authorization"] = "Bearer " + key;
  let variables = {};
  try { variables = JSON.parse(document.getElementById("variables").value || "{}"); }
  catch (e) { document.getElementById("out").textContent = "variables: " + e; return; }
  const response = await fetch("/graphql", {method: "POST", headers, credentials: "same-origin",
    body: JSON.stringify({query: document.getElementById("query").value, variables})});
  const text = await response.text();
  let shown = text;
  try { shown = JSON.stringify(JSON.parse(text), null, 2); } catch (e) {}
  document.getElementById("out").textContent = response.status + "\\n" + shown;
};
</script></body></html>
"""
