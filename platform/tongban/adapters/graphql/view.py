"""The /graphql endpoint: a hand-written Flask view (parse → validate → execute).

POST ``application/json`` ``{"query", "variables", "operationName"}``. In order:
1. a ``Content-Length`` over the body limit (HTTP 413 ``QUERY_TOO_LARGE``), read nothing;
2. credentials (401 ``UNAUTHENTICATED``; see auth.py), still before the body is read;
3. the body, read up to its limit whether chunked or not (413 ``QUERY_TOO_LARGE``), then
   well-formed JSON (400 ``BAD_REQUEST``) nested at most ``max_json_depth`` deep
   (``INPUT_TOO_DEEP``) with no string over ``max_string_chars`` (``INPUT_TOO_LONG``)
   nor one holding a NUL or a lone surrogate (``INPUT_INVALID_CHARACTER``; string
   literals in the query are checked in step 5), then the query's size (413);
4. parse (400 ``GRAPHQL_PARSE_FAILED``);
5. the limits, in one linear pass over the document with fragments summarised once
   (analysis.py): depth, fields, cost (lists counted by the page size asked for), aliases,
   fragment spreads and literal nesting (400, every problem listed) — before any other
   validation; then graphql-core's ``specified_rules`` (+ the introspection switch);
6. execute within the request's wall-clock budget (deadline.py: ``QUERY_TIMEOUT``). Errors
   a resolver raises on purpose (``TongbanError``) come back with their code (HTTP 200,
   partial data); anything else is HTTP 500 ``INTERNAL`` with a request id that is logged
   with the traceback.

Every limit has a default in tongban/limits.py (``TONGBAN_*`` variables, docs/security.md
"Limits"); the Flask config keys ``GRAPHQL_MAX_*`` override them per app.

GET serves a small self-contained query page (no CDN: GraphiQL's JavaScript is not bundled
here) unless ``TONGBAN_ENV=production``.
"""

from __future__ import annotations

import dataclasses
import threading
import time
import uuid
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, cast

from flask import Blueprint, Flask, Request, Response, current_app, request
from flask.sessions import SecureCookieSession, SecureCookieSessionInterface, SessionMixin
from graphql import (
    ASTValidationRule,
    DocumentNode,
    ExecutionResult,
    FieldNode,
    GraphQLError,
    execute,
    parse,
    specified_rules,
    validate,
)
from graphql.validation import ValidationRule

from tongban.adapters.graphql.analysis import QueryLimits, analyse
from tongban.adapters.graphql.auth import AuthFailure, authenticate_request
from tongban.adapters.graphql.context import GraphQLContext
from tongban.adapters.graphql.deadline import Deadline, first_timeout_only
from tongban.adapters.graphql.errors import (
    Code,
    error,
    format_error,
    internal,
    is_unexpected,
    log,
)
from tongban.adapters.graphql.schema import schema
from tongban.adapters.http.bodies import (
    BodyRefused,
    check_declared_length,
    parse_json,
    read_body,
)
from tongban.adapters.http.responses import json_response, with_request_id
from tongban.config import development_seal_key
from tongban.core.error_catalogue import reader_language
from tongban.core.seal_errors import SealError
from tongban.services.cases.runtime import CaseEnv
from tongban.services.platform import Platform

blueprint = Blueprint("graphql", __name__)
GRAPHQL_PATH = "/graphql"


@dataclass(frozen=True)
class Limits:
    """The platform's ``settings.limits`` (tongban/limits.py), each overridable through the
    Flask config (``GRAPHQL_MAX_*``, ``GRAPHQL_TIMEOUT_SECONDS``, ``GRAPHQL_INTROSPECTION``)."""

    max_body_bytes: int = 1_000_000  # the whole JSON body, variables included
    max_query_bytes: int = 10_000  # the query text
    max_depth: int = 10
    max_fields: int = 500  # field selections, with fragments expanded
    max_aliases: int = 30
    max_fragment_spreads: int = 100  # spreads written in the document
    max_cost: int = 3_000  # fields, a list's selection counted once per item asked for
    max_json_depth: int = 64  # the JSON body and GraphQL object/list literals
    max_string_chars: int = 100_000  # one string in the body (variables included)
    timeout_seconds: float = 10.0  # wall-clock budget of the resolvers
    introspection: bool = True

    @classmethod
    def of(cls, app: Flask, platform: Platform) -> Limits:
        config = app.config
        base = platform.settings.limits
        return cls(
            max_body_bytes=int(config.get("GRAPHQL_MAX_BODY_BYTES", base.body_bytes)),
            max_query_bytes=int(config.get("GRAPHQL_MAX_QUERY_BYTES", base.query_bytes)),
            max_depth=int(config.get("GRAPHQL_MAX_DEPTH", base.depth)),
            max_fields=int(config.get("GRAPHQL_MAX_FIELDS", base.fields)),
            max_aliases=int(config.get("GRAPHQL_MAX_ALIASES", base.aliases)),
            max_fragment_spreads=int(
                config.get("GRAPHQL_MAX_FRAGMENT_SPREADS", base.fragment_spreads)
            ),
            max_cost=int(config.get("GRAPHQL_MAX_COST", base.cost)),
            max_json_depth=int(config.get("GRAPHQL_MAX_JSON_DEPTH", base.json_depth)),
            max_string_chars=int(config.get("GRAPHQL_MAX_STRING_CHARS", base.string_chars)),
            timeout_seconds=float(config.get("GRAPHQL_TIMEOUT_SECONDS", base.timeout_seconds)),
            introspection=bool(
                config.get("GRAPHQL_INTROSPECTION", not platform.settings.production)
            ),
        )

    @property
    def query(self) -> QueryLimits:
        return QueryLimits(
            depth=self.max_depth,
            fields=self.max_fields,
            aliases=self.max_aliases,
            fragment_spreads=self.max_fragment_spreads,
            cost=self.max_cost,
            literal_depth=self.max_json_depth,
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


def check(
    document: DocumentNode, limits: Limits, variables: Mapping[str, Any] | None = None
) -> list[GraphQLError]:
    """Every problem with the document: the limits first (one linear pass), then, if it is
    within them, graphql-core's rules."""
    over = analyse(schema.graphql_schema, document, limits.query, variables)
    if over:
        return over
    rules: list[type[ASTValidationRule]] = list(specified_rules)
    if not limits.introspection:
        rules.append(NoIntrospection)
    return validate(schema.graphql_schema, document, rules)


# Clients send the same few operations over and over: a document that parsed and passed
# every check is kept (by its text and the limits it passed), so it is parsed and validated
# once per process; the limits' pass is run again on every request (its cost depends on the
# variables: page sizes). Documents with problems are never kept.
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


def _csrf_problem() -> str | None:
    """A call authenticated by the session cookie (the front end, a logged-in browser) must
    carry the page's CSRF token in ``X-CSRFToken``; bearer keys and tokens need none (a
    browser never adds them on its own). None when the call may go on."""
    if request.headers.get("Authorization") or not current_app.config.get("WTF_CSRF_ENABLED", True):
        return None
    from flask_wtf.csrf import ValidationError, validate_csrf

    try:
        validate_csrf(request.headers.get("X-CSRFToken", ""))
    except ValidationError:
        return (
            "缺少或无效的 CSRF 令牌，请刷新页面后重试 (missing or invalid X-CSRFToken for a "
            "session-authenticated call)"
        )
    return None


def _platform() -> Platform:
    found: Platform = current_app.extensions["tongban"]
    return found


def _case_env(platform: Platform) -> CaseEnv:
    """Made once per app. Hand-built development settings may lack TONGBAN_SEAL_KEY (which
    ``load_settings`` always sets): as on the pages, the development key stands in."""
    env: CaseEnv | None = current_app.extensions.get("tongban_case_env")
    if env is None:
        try:
            env = platform.case_env()
        except SealError:
            if platform.settings.production:
                raise
            settings = dataclasses.replace(
                platform.settings, seal_key=development_seal_key(platform.settings.secret_key)
            )
            env = platform.case_env(settings)
        current_app.extensions["tongban_case_env"] = env
    return env


def _refused(request_id: str, refused: BodyRefused) -> Response:
    return _errors(
        request_id,
        refused.status,
        error(refused.message, refused.code, request_id, **refused.extensions),
    )


def _bad_request(request_id: str, message: str) -> Response:
    return _errors(request_id, 400, error(message, Code.BAD_REQUEST, request_id))


BODY_SHAPE = 'body must be JSON {"query": "…", "variables": {…}, "operationName": "…"}'


@blueprint.route(GRAPHQL_PATH, methods=["POST"])
@with_request_id(log, "graphql request")
def graphql_post(request_id: str) -> Response:
    started = time.monotonic()
    platform = _platform()
    limits = Limits.of(current_app, platform)
    try:
        check_declared_length(limits.max_body_bytes)
    except BodyRefused as refused:
        return _refused(request_id, refused)
    principal = authenticate_request(platform)  # headers and cookie only: no body read yet
    if isinstance(principal, AuthFailure):
        response = _errors(
            request_id,
            401,
            error(principal.message, Code.UNAUTHENTICATED, request_id, reason=principal.reason),
        )
        response.headers["WWW-Authenticate"] = 'Bearer realm="tongban"'
        return response
    csrf_problem = _csrf_problem()
    if csrf_problem is not None:
        return _errors(request_id, 403, error(csrf_problem, Code.CSRF_FAILED, request_id))
    if not request.is_json:
        return _bad_request(request_id, BODY_SHAPE)
    try:
        payload = parse_json(
            read_body(limits.max_body_bytes), limits.max_json_depth, limits.max_string_chars
        )
    except BodyRefused as refused:
        if refused.code == Code.BAD_REQUEST:
            return _bad_request(request_id, BODY_SHAPE)
        return _refused(request_id, refused)
    if not isinstance(payload, dict) or not isinstance(payload.get("query"), str):
        return _bad_request(request_id, BODY_SHAPE)
    query: str = payload["query"]
    variables = payload.get("variables")
    operation_name = payload.get("operationName")
    if variables is not None and not isinstance(variables, dict):
        return _bad_request(request_id, "variables must be a JSON object")
    if operation_name is not None and not isinstance(operation_name, str):
        return _bad_request(request_id, "operationName must be a string")
    size = len(query.encode("utf-8", "surrogatepass"))
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
    language = reader_language(request.headers.get("Accept-Language"))
    document = _checked_document(query, limits)
    if document is None:
        try:
            document = parse(query)
        except GraphQLError as exc:
            return _errors(
                request_id, 400, format_error(exc, request_id, Code.PARSE_FAILED, language)
            )
        except RecursionError:
            message = "查询嵌套过深，无法解析 (the query is nested too deeply to parse)"
            return _errors(request_id, 400, error(message, Code.PARSE_FAILED, request_id))
        problems = check(document, limits, variables)
        if problems:
            return _errors(
                request_id,
                400,
                *(format_error(p, request_id, Code.VALIDATION_FAILED, language) for p in problems),
            )
        _remember_document(query, limits, document)
    else:
        over = analyse(schema.graphql_schema, document, limits.query, variables)
        if over:
            return _errors(
                request_id,
                400,
                *(format_error(p, request_id, Code.VALIDATION_FAILED, language) for p in over),
            )
    context = GraphQLContext(platform, _case_env(platform), principal, request_id)
    result = cast(  # every resolver is synchronous: never an awaitable
        ExecutionResult,
        execute(
            schema.graphql_schema,
            document,
            context_value=context,
            variable_values=variables,
            operation_name=operation_name,
            middleware=[Deadline(limits.timeout_seconds, started)],
        ),
    )
    errors = first_timeout_only(result.errors or [])
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
        body["errors"] = [format_error(e, request_id, Code.BAD_REQUEST, language) for e in errors]
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

    def open_session(self, app: Flask, incoming: Request) -> SecureCookieSession | None:
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
