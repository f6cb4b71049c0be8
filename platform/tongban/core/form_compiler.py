"""Form schemas compiled into plain Python closures, agreeing exactly with jsonschema.

Two compilations of one 2020-12 schema, both built once per form (``FormValidator``):

- a *predicate* (``compile_predicate``): ``True`` exactly when jsonschema's ``is_valid`` is;
- an *error reporter* (``compile_reporter``): ``None`` for valid data, otherwise one record
  per error jsonschema's ``iter_errors`` yields, located as jsonschema locates it, with the
  message text ``forms.FormValidator`` builds from that error.

``$ref``\\ s are resolved once, at compile time, and the resolved subschema compiled in
place (shared when referenced again; a recursive reference is bound late). Only the keywords
forms use are compiled (``SUPPORTED``); a schema using any other keyword jsonschema applies
raises ``Unsupported``, and the caller validates that schema with jsonschema alone — no
keyword is ever silently skipped.

A record is ``(tokens, title, zh, en)``: ``tokens`` the instance path *reversed* (each
enclosing property / item appends its token on the way out, so valid subtrees cost nothing),
``title`` the title of the schema that failed (``None`` if none), and the message: ``zh`` /
``en`` to be framed with the field's label, or, when ``zh`` is ``None``, ``en`` verbatim.
"""

from __future__ import annotations

import math
import numbers
import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any, Final

from jsonschema import Draft202012Validator
from referencing.exceptions import Unresolvable
from referencing.jsonschema import DRAFT202012

Record = tuple[list[str | int], str | None, str | None, str]
Report = list[Record] | None
Node = Callable[[Any], Report]
Check = Callable[[Any], bool]
FormatCheck = Callable[[object], bool]


class Unsupported(Exception):
    """The schema uses something the compiler does not reproduce exactly."""


KEYWORDS: Final = frozenset(Draft202012Validator.VALIDATORS)
SUPPORTED: Final = frozenset(
    {
        "$ref",
        "type",
        "enum",
        "const",
        "format",
        "pattern",
        "minLength",
        "maxLength",
        "minimum",
        "maximum",
        "exclusiveMinimum",
        "exclusiveMaximum",
        "properties",
        "required",
        "additionalProperties",
        "dependentRequired",
        "minProperties",
        "maxProperties",
        "items",
        "prefixItems",
        "minItems",
        "maxItems",
        "uniqueItems",
        "allOf",
        "anyOf",
        "oneOf",
        "not",
        "if",
    }
)
# Keywords that only look at the instance itself (no subschema): checked by one predicate,
# explained keyword by keyword only when that predicate fails.
_LOCAL: Final = frozenset(
    {
        "type",
        "enum",
        "const",
        "format",
        "pattern",
        "minLength",
        "maxLength",
        "minimum",
        "maximum",
        "exclusiveMinimum",
        "exclusiveMaximum",
        "required",
        "dependentRequired",
        "minProperties",
        "maxProperties",
        "minItems",
        "maxItems",
        "uniqueItems",
    }
)


# --------------------------------------------------------------------------- messages

TYPE_ZH: Final = {
    "string": "字符串",
    "integer": "整数",
    "number": "数字",
    "boolean": "布尔值",
    "object": "对象",
    "array": "数组",
    "null": "空值",
}


def short(text: str, limit: int = 200) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def describe(keyword: object, value: Any, cause: object, message: str) -> tuple[str, str]:
    """What went wrong, in Chinese and English, for an error of ``keyword`` (``value`` its
    value in the schema; ``cause`` a format check's exception; ``message`` jsonschema's)."""
    if keyword == "type":
        types = value if isinstance(value, list) else [value]
        zh = "或".join(TYPE_ZH.get(str(t), str(t)) for t in types)
        return f"应为{zh}", f"must be of type {' or '.join(map(str, types))}"
    if keyword == "format":
        why = f"：{cause}" if cause is not None else ""
        return f"格式不正确{why}", f"is not a valid {value}"
    if keyword == "pattern":
        return "格式不正确", f"does not match {value}"
    if keyword == "minLength":
        return f"至少 {value} 个字符", f"is shorter than {value} characters"
    if keyword == "maxLength":
        return f"最多 {value} 个字符", f"is longer than {value} characters"
    if keyword == "minimum":
        return f"不能小于 {value}", f"is less than {value}"
    if keyword == "maximum":
        return f"不能大于 {value}", f"is greater than {value}"
    if keyword == "exclusiveMinimum":
        return f"必须大于 {value}", f"must be greater than {value}"
    if keyword == "exclusiveMaximum":
        return f"必须小于 {value}", f"must be less than {value}"
    if keyword == "enum":
        return "取值不在允许范围内", short(f"must be one of {value!r}")
    if keyword == "const":
        return f"取值应为 {value!r}", short(f"must be {value!r}")
    if keyword == "minItems":
        return f"至少 {value} 项", f"has fewer than {value} items"
    if keyword == "maxItems":
        return f"最多 {value} 项", f"has more than {value} items"
    if keyword == "uniqueItems":
        return "各项不能重复", "has duplicate items"
    return "不符合要求", short(message)


REQUIRED_ZH: Final = "为必填项"
REQUIRED_EN: Final = "is required"


def not_allowed(extra: object) -> str:
    """The message for a property ``additionalProperties: false`` refuses."""
    return f"不允许填写字段 {extra} (field {extra} is not allowed)"


def title_of(schema: object) -> str | None:
    if isinstance(schema, dict):
        title = schema.get("title")
        if isinstance(title, str):
            return title
    return None


# --------------------------------------------------------------------------- JSON semantics


def always(_: Any) -> bool:
    return True


def never(_: Any) -> bool:
    return False


def _ok(_: Any) -> Report:
    return None


def is_number(x: Any) -> bool:
    if type(x) is int or type(x) is float:
        return True
    return not isinstance(x, bool) and isinstance(x, numbers.Number)


def is_integer(x: Any) -> bool:
    if type(x) is int:
        return True
    if isinstance(x, bool):
        return False
    return isinstance(x, int) or (isinstance(x, float) and x.is_integer())


TYPE_TESTS: Final[dict[str, Check]] = {
    "string": lambda x: isinstance(x, str),
    "integer": is_integer,
    "number": is_number,
    "boolean": lambda x: isinstance(x, bool),
    "null": lambda x: x is None,
    "array": lambda x: isinstance(x, list),
    "object": lambda x: isinstance(x, dict),
}
_PYTHON_TYPES: Final[dict[str, type]] = {
    "string": str,
    "boolean": bool,
    "null": type(None),
    "array": list,
    "object": dict,
}


def _unbool(x: Any, true: object = object(), false: object = object()) -> Any:
    if x is True:
        return true
    if x is False:
        return false
    return x


def json_equal(one: Any, two: Any) -> bool:
    """Equality exactly as jsonschema's ``equal`` sees it: booleans are not numbers."""
    if one is two:
        return True
    if isinstance(one, str) or isinstance(two, str):
        return bool(one == two)
    if isinstance(one, Sequence) and isinstance(two, Sequence):
        return len(one) == len(two) and all(json_equal(a, b) for a, b in zip(one, two, strict=True))
    if isinstance(one, Mapping) and isinstance(two, Mapping):
        return len(one) == len(two) and all(
            key in two and json_equal(value, two[key]) for key, value in one.items()
        )
    return bool(_unbool(one) == _unbool(two))


_UNIQUE: Final = Draft202012Validator({"uniqueItems": True})


def unique(items: list[Any]) -> bool:
    """Whether ``uniqueItems`` holds, as jsonschema decides it."""
    if all(type(item) is str for item in items):
        return len(set(items)) == len(items)
    return bool(_UNIQUE.is_valid(items))


def _any_of(checks: list[Check]) -> Check:
    if not checks:
        return never
    if len(checks) == 1:
        return checks[0]
    frozen = tuple(checks)

    def check(x: Any) -> bool:
        for each in frozen:
            if each(x):
                return True
        return False

    return check


def _all_of(checks: list[Check]) -> Check:
    if not checks:
        return always
    if len(checks) == 1:
        return checks[0]
    frozen = tuple(checks)

    def check(x: Any) -> bool:
        for each in frozen:
            if not each(x):
                return False
        return True

    return check


def _format_test(check: FormatCheck) -> Check:
    def test(instance: Any) -> bool:
        try:
            return bool(check(instance))
        except ValueError:
            return False

    return test


def _present(schema: dict[str, Any]) -> frozenset[str]:
    present = KEYWORDS.intersection(schema)
    if not present <= SUPPORTED:
        raise Unsupported(", ".join(sorted(present - SUPPORTED)))
    return present


class _Refs:
    """Compiles each ``$ref`` target once; a target met again while being compiled (a
    recursive reference) gets a forwarder bound when its compilation completes."""

    def __init__(self, compile_: Callable[[object, Any], Any]) -> None:
        self._compile = compile_
        self._memo: dict[int, Any] = {}
        self._active: dict[int, list[list[Any]]] = {}
        self._keep: list[object] = []  # the targets, so their ids stay theirs

    def __call__(self, ref: object, resolver: Any) -> Any:
        if not isinstance(ref, str):
            raise Unsupported("$ref")
        try:
            resolved = resolver.lookup(ref)
        except Unresolvable as error:
            raise Unsupported(str(error)) from None
        target = resolved.contents
        key = id(target)
        if key in self._memo:
            return self._memo[key]
        if key in self._active:
            cell: list[Any] = []
            self._active[key].append(cell)
            return lambda x: cell[0](x)
        self._active[key] = []
        self._keep.append(target)
        try:
            compiled = self._compile(target, resolved.resolver)
        finally:
            cells = self._active.pop(key)
        for cell in cells:
            cell.append(compiled)
        self._memo[key] = compiled
        return compiled


# --------------------------------------------------------------------------- predicate


class PredicateCompiler:
    """Compiles a schema into a validity predicate agreeing with jsonschema's ``is_valid``."""

    def __init__(self, formats: Mapping[str, FormatCheck]) -> None:
        self.formats = formats
        self._ref = _Refs(self.compile)

    def compile(self, schema: object, resolver: Any, *, root: bool = False) -> Check:
        if schema is True:
            return always
        if schema is False:
            return never
        if not isinstance(schema, dict):
            raise Unsupported(f"schema {schema!r}")
        if not root and "$id" in schema:
            resolver = resolver.in_subresource(DRAFT202012.create_resource(schema))
        _present(schema)
        checks: list[Check] = []
        typing = self._type(schema["type"]) if "type" in schema else None
        string = self._string(schema, typing)  # carries the type test when there is one
        if string is not None:
            checks.append(string)
        elif typing is not None:
            checks.append(typing[0])
        if "enum" in schema:
            checks.append(self._enum(schema["enum"]))
        if "const" in schema:
            const = schema["const"]
            checks.append(lambda x: json_equal(x, const))
        number = self._number(schema)
        if number is not None:
            checks.append(number)
        obj = self._object(schema, resolver)
        if obj is not None:
            checks.append(obj)
        array = self._array(schema, resolver)
        if array is not None:
            checks.append(array)
        checks.extend(self._combinators(schema, resolver))
        if "$ref" in schema:
            checks.append(self._ref(schema["$ref"], resolver))
        return _all_of(checks)

    @staticmethod
    def _type(value: object) -> tuple[Check, bool, Check]:
        """(the type test, whether strings pass it, the test for anything but strings)."""
        names = value if isinstance(value, list) else [value]
        for name in names:
            if not isinstance(name, str) or name not in TYPE_TESTS:
                raise Unsupported(f"type {name!r}")
        if all(name in _PYTHON_TYPES for name in names):
            python_types = tuple(_PYTHON_TYPES[name] for name in names)
            others = tuple(t for t in python_types if t is not str)
            return (
                lambda x: isinstance(x, python_types),
                str in python_types,
                (lambda x: isinstance(x, others)) if others else never,
            )
        return (
            _any_of([TYPE_TESTS[name] for name in names]),
            "string" in names,
            _any_of([TYPE_TESTS[name] for name in names if name != "string"]),
        )

    @staticmethod
    def _enum(values: object) -> Check:
        if not isinstance(values, list):
            raise Unsupported("enum")
        if all(type(v) is str for v in values):
            allowed = frozenset(values)
            return lambda x: isinstance(x, str) and x in allowed
        frozen = tuple(values)
        return lambda x: any(json_equal(x, v) for v in frozen)

    def _string(
        self, schema: dict[str, Any], typing: tuple[Check, bool, Check] | None
    ) -> Check | None:
        low = schema.get("minLength")
        high = schema.get("maxLength")
        pattern = schema.get("pattern")
        fmt = schema.get("format")
        if low is None and high is None and pattern is None and fmt is None:
            return None
        low_n = 0 if low is None else low
        high_n = math.inf if high is None else high
        if not is_number(low_n) or not is_number(high_n):
            raise Unsupported("length")
        if pattern is not None and not isinstance(pattern, str):
            raise Unsupported("pattern")
        if fmt is not None and fmt not in self.formats:
            raise Unsupported(f"format {fmt!r}")
        search = re.compile(pattern).search if pattern is not None else None
        fmt_test = _format_test(self.formats[fmt]) if fmt is not None else None
        strings_pass, others = (True, always) if typing is None else typing[1:]

        def check(x: Any) -> bool:
            if isinstance(x, str):
                if not strings_pass:
                    return False
                n = len(x)
                if n < low_n or n > high_n:
                    return False
                if search is not None and search(x) is None:
                    return False
                return fmt_test is None or fmt_test(x)
            return others(x)

        return check

    @staticmethod
    def _number(schema: dict[str, Any]) -> Check | None:
        bounds = [
            (schema.get(k), op)
            for k, op in (
                ("minimum", "ge"),
                ("maximum", "le"),
                ("exclusiveMinimum", "gt"),
                ("exclusiveMaximum", "lt"),
            )
            if k in schema
        ]
        if not bounds:
            return None
        for bound, _ in bounds:
            if not is_number(bound):
                raise Unsupported("numeric bound")
        low = max((b for b, op in bounds if op == "ge"), default=None)
        high = min((b for b, op in bounds if op == "le"), default=None)
        low_x = max((b for b, op in bounds if op == "gt"), default=None)
        high_x = min((b for b, op in bounds if op == "lt"), default=None)

        def check(x: Any) -> bool:
            if is_number(x):
                if low is not None and x < low:
                    return False
                if high is not None and x > high:
                    return False
                if low_x is not None and x <= low_x:
                    return False
                if high_x is not None and x >= high_x:
                    return False
            return True

        return check

    def _object(self, schema: dict[str, Any], resolver: Any) -> Check | None:
        keys = (
            "properties",
            "required",
            "additionalProperties",
            "dependentRequired",
            "minProperties",
            "maxProperties",
        )
        if not any(k in schema for k in keys):
            return None
        properties = schema.get("properties", {})
        required = schema.get("required", [])
        dependent = schema.get("dependentRequired", {})
        if not isinstance(properties, dict) or not isinstance(required, list):
            raise Unsupported("properties/required")
        if not isinstance(dependent, dict):
            raise Unsupported("dependentRequired")
        compiled = tuple((name, self.compile(sub, resolver)) for name, sub in properties.items())
        needed = tuple(required)
        dependencies = tuple((k, tuple(v)) for k, v in dependent.items())
        min_props = schema.get("minProperties", 0)
        max_props = schema.get("maxProperties", math.inf)
        known = frozenset(properties)
        extra: Check | None = None
        closed = False
        if "additionalProperties" in schema:
            additional = schema["additionalProperties"]
            if additional is False:
                closed = True
            elif additional is not True:
                extra = self.compile(additional, resolver)

        if not closed and extra is None and not dependencies and min_props == 0:
            if max_props == math.inf:

                def simple(x: Any) -> bool:
                    if not isinstance(x, dict):
                        return True
                    for name in needed:
                        if name not in x:
                            return False
                    for name, sub in compiled:
                        if name in x and not sub(x[name]):
                            return False
                    return True

                return simple

        def check(x: Any) -> bool:
            if not isinstance(x, dict):
                return True
            for name in needed:
                if name not in x:
                    return False
            for name, sub in compiled:
                if name in x and not sub(x[name]):
                    return False
            if closed:
                for name in x:
                    if name not in known:
                        return False
            elif extra is not None:
                for name, value in x.items():
                    if name not in known and not extra(value):
                        return False
            for name, others in dependencies:
                if name in x:
                    for other in others:
                        if other not in x:
                            return False
            return min_props <= len(x) <= max_props

        return check

    def _array(self, schema: dict[str, Any], resolver: Any) -> Check | None:
        keys = ("items", "prefixItems", "minItems", "maxItems", "uniqueItems")
        if not any(k in schema for k in keys):
            return None
        prefix = schema.get("prefixItems", [])
        if not isinstance(prefix, list):
            raise Unsupported("prefixItems")
        firsts = tuple(self.compile(sub, resolver) for sub in prefix)
        start = len(firsts)
        item = self.compile(schema["items"], resolver) if "items" in schema else None
        low = schema.get("minItems", 0)
        high = schema.get("maxItems", math.inf)
        distinct = schema.get("uniqueItems", False)

        def check(x: Any) -> bool:
            if isinstance(x, list):
                if not low <= len(x) <= high:
                    return False
                for each, sub in zip(x, firsts, strict=False):
                    if not sub(each):
                        return False
                if item is not None:
                    for index in range(start, len(x)):
                        if not item(x[index]):
                            return False
                if distinct and not unique(x):
                    return False
            return True

        return check

    def _combinators(self, schema: dict[str, Any], resolver: Any) -> list[Check]:
        checks: list[Check] = []
        for keyword in ("allOf", "anyOf", "oneOf"):
            if keyword not in schema:
                continue
            subs = schema[keyword]
            if not isinstance(subs, list):
                raise Unsupported(keyword)
            parts = tuple(self.compile(sub, resolver) for sub in subs)
            if keyword == "allOf":
                checks.append(_all_of(list(parts)))
            elif keyword == "anyOf":
                checks.append(_any_of(list(parts)))
            else:
                checks.append(lambda x, parts=parts: sum(1 for p in parts if p(x)) == 1)
        if "not" in schema:
            negated = self.compile(schema["not"], resolver)
            checks.append(lambda x: not negated(x))
        if "if" in schema:
            condition = self.compile(schema["if"], resolver)
            then = self.compile(schema["then"], resolver) if "then" in schema else always
            otherwise = self.compile(schema["else"], resolver) if "else" in schema else always
            checks.append(lambda x: then(x) if condition(x) else otherwise(x))
        return checks


def compile_predicate(
    schema: Mapping[str, Any], resolver: Any, formats: Mapping[str, FormatCheck]
) -> Check:
    """The validity predicate of a root ``schema`` (``resolver`` rooted at it)."""
    return PredicateCompiler(formats).compile(schema, resolver, root=True)


# --------------------------------------------------------------------------- error reporter


def _record(title: str | None, zh: str | None, en: str) -> Record:
    return ([], title, zh, en)


def _sequence(nodes: list[Node]) -> Node:
    nodes = [node for node in nodes if node is not _ok]
    if not nodes:
        return _ok
    if len(nodes) == 1:
        return nodes[0]
    if len(nodes) == 2:
        first, second = nodes

        def pair(x: Any) -> Report:
            out = first(x)
            found = second(x)
            if not found:
                return out
            if not out:
                return found
            out.extend(found)
            return out

        return pair
    frozen = tuple(nodes)

    def node(x: Any) -> Report:
        out: Report = None
        for each in frozen:
            found = each(x)
            if found:
                if out is None:
                    out = found
                else:
                    out.extend(found)
        return out

    return node


def _under(found: list[Record], token: str | int) -> list[Record]:
    for record in found:
        record[0].append(token)
    return found


class ReporterCompiler:
    """Compiles a schema into a function reporting every error jsonschema's ``iter_errors``
    would, as records (module docstring); ``None`` when the data is valid."""

    def __init__(
        self,
        formats: Mapping[str, FormatCheck],
        quick_formats: Mapping[str, Check] | None = None,
    ) -> None:
        self.formats = formats
        self.quick_formats = dict(quick_formats or {})
        self.predicates = PredicateCompiler(formats)
        self._ref = _Refs(self.compile)

    def compile(self, schema: object, resolver: Any, *, root: bool = False) -> Node:
        if schema is True:
            return _ok
        if schema is False:

            def false(x: Any) -> Report:
                return [
                    _record(None, *describe(None, None, None, f"False schema does not allow {x!r}"))
                ]

            return false
        if not isinstance(schema, dict):
            raise Unsupported(f"schema {schema!r}")
        if not root and "$id" in schema:
            resolver = resolver.in_subresource(DRAFT202012.create_resource(schema))
        present = _present(schema)
        title = title_of(schema)
        local = present & _LOCAL
        explain = self._explainer(schema, local, title)
        nodes: list[Node] = []
        if "properties" in schema or "additionalProperties" in schema:
            if local <= {"type", "required"} and schema.get("type", "object") == "object":
                nodes.append(self._object(schema, title, explain, resolver))
            else:
                nodes.append(self._local(schema, local, explain, resolver))
                nodes.append(self._properties(schema, resolver))
        else:
            nodes.append(self._local(schema, local, explain, resolver))
        if "items" in schema or "prefixItems" in schema:
            nodes.append(self._items(schema, title, resolver))
        nodes.extend(self._combinators(schema, title, resolver))
        if "$ref" in schema:
            nodes.append(self._ref(schema["$ref"], resolver))
        return _sequence(nodes)

    # -- keywords looking at the instance only
    def _explainer(
        self, schema: dict[str, Any], keywords: frozenset[str], title: str | None
    ) -> Node:
        """The exact errors of the ``keywords`` (a subset of ``_LOCAL``) of ``schema``."""
        frozen = tuple(self._explain(keyword, schema, title) for keyword in sorted(keywords))

        def explain(x: Any) -> Report:
            out: list[Record] = []
            for each in frozen:
                found = each(x)
                if found is None:
                    continue
                if isinstance(found, tuple):
                    out.append(found)
                else:
                    out.extend(found)
            return out or None

        return explain

    def _local(
        self, schema: dict[str, Any], keywords: frozenset[str], explain: Node, resolver: Any
    ) -> Node:
        """The node for the ``keywords`` of ``schema`` that look at the instance only: a quick
        test accepts what it can (it must never accept an error), ``explain`` does the rest."""
        if not keywords:
            return _ok
        fused = self._string_leaf(schema, keywords, title_of(schema), explain) or self._number_leaf(
            schema, keywords, explain
        )
        if fused is not None:
            return fused
        accepts = self.predicates.compile({k: schema[k] for k in keywords}, resolver)

        def node(x: Any) -> Report:
            if accepts(x):
                return None
            return explain(x)

        return node

    def _string_leaf(
        self, schema: dict[str, Any], keywords: frozenset[str], title: str | None, explain: Node
    ) -> Node | None:
        if not keywords <= {"type", "minLength", "maxLength", "pattern", "format", "enum"}:
            return None
        typed = "type" in keywords
        if typed and schema["type"] != "string":
            return None
        enum = schema.get("enum")
        if enum is not None and not (typed and isinstance(enum, list)):
            return None
        allowed = frozenset(v for v in enum if type(v) is str) if enum is not None else None
        low = schema.get("minLength", 0)
        high = schema.get("maxLength", math.inf)
        if not is_number(low) or not is_number(high):
            raise Unsupported("length")
        pattern = schema.get("pattern")
        if pattern is not None and not isinstance(pattern, str):
            raise Unsupported("pattern")
        search = re.compile(pattern).search if pattern is not None else None
        fmt = schema.get("format")
        if fmt is not None and fmt not in self.formats:
            raise Unsupported(f"format {fmt!r}")
        check = self.formats[fmt] if fmt is not None else None
        quick = self.quick_formats.get(fmt) if fmt is not None else None
        others_pass = not typed  # then every keyword here ignores non-strings

        def node(x: Any) -> Report:
            if type(x) is str:
                if (
                    low <= len(x) <= high
                    and (search is None or search(x) is not None)
                    and (allowed is None or x in allowed)
                ):
                    if check is None or (quick is not None and quick(x)):
                        return None
                    # only the format can fail now: check it once, here
                    cause: ValueError | None = None
                    try:
                        if check(x):
                            return None
                    except ValueError as error:
                        cause = error
                    return [([], title, *describe("format", fmt, cause, ""))]
            elif others_pass and not isinstance(x, str):
                return None
            return explain(x)

        return node

    @staticmethod
    def _number_leaf(
        schema: dict[str, Any], keywords: frozenset[str], explain: Node
    ) -> Node | None:
        bounds = ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum")
        if "type" not in keywords or not keywords <= {"type", *bounds}:
            return None
        kinds = schema["type"] if isinstance(schema["type"], list) else [schema["type"]]
        if not set(kinds) <= {"number", "integer", "null"} or not (
            "number" in kinds or "integer" in kinds
        ):
            return None
        for keyword in bounds:
            if keyword in schema and not is_number(schema[keyword]):
                raise Unsupported("numeric bound")
        floats = "number" in kinds  # an integral float is an integer too: left to explain
        nulls = "null" in kinds
        low = schema.get("minimum", -math.inf)
        high = schema.get("maximum", math.inf)
        low_x = schema.get("exclusiveMinimum", -math.inf)
        high_x = schema.get("exclusiveMaximum", math.inf)

        def node(x: Any) -> Report:
            kind = type(x)
            if kind is int or (floats and kind is float):
                if low <= x <= high and low_x < x < high_x:
                    return None
            elif nulls and x is None:
                return None
            return explain(x)

        return node

    def _object(
        self, schema: dict[str, Any], title: str | None, explain: Node, resolver: Any
    ) -> Node:
        """``type: object``, ``required``, ``properties`` and ``additionalProperties`` in one
        pass; ``explain`` reports the type and required errors."""
        return self._properties(
            schema,
            resolver,
            explain=explain,
            typed="type" in schema,
            needed=tuple(schema.get("required", ())),
        )

    def _explain(  # noqa: C901 - one branch per keyword, each small
        self, keyword: str, schema: dict[str, Any], title: str | None
    ) -> Callable[[Any], Record | list[Record] | None]:
        value = schema[keyword]
        zh, en = describe(keyword, value, None, "")

        def fixed() -> Record:
            return ([], title, zh, en)

        if keyword == "type":
            test = PredicateCompiler._type(value)[0]
            return lambda x: None if test(x) else fixed()
        if keyword == "enum":
            allowed = PredicateCompiler._enum(value)
            return lambda x: None if allowed(x) else fixed()
        if keyword == "const":
            return lambda x: None if json_equal(x, value) else fixed()
        if keyword == "minLength":
            return lambda x: fixed() if isinstance(x, str) and len(x) < value else None
        if keyword == "maxLength":
            return lambda x: fixed() if isinstance(x, str) and len(x) > value else None
        if keyword == "pattern":
            search = re.compile(value).search
            return lambda x: fixed() if isinstance(x, str) and search(x) is None else None
        if keyword == "format":
            check = self.formats[value]

            def fmt(x: Any) -> Record | None:
                if not isinstance(x, str):
                    return None
                cause: ValueError | None = None
                try:
                    if check(x):
                        return None
                except ValueError as error:
                    cause = error
                return ([], title, *describe("format", value, cause, ""))

            return fmt
        if keyword == "minimum":
            return lambda x: fixed() if is_number(x) and x < value else None
        if keyword == "maximum":
            return lambda x: fixed() if is_number(x) and x > value else None
        if keyword == "exclusiveMinimum":
            return lambda x: fixed() if is_number(x) and x <= value else None
        if keyword == "exclusiveMaximum":
            return lambda x: fixed() if is_number(x) and x >= value else None
        if keyword == "minItems":
            return lambda x: fixed() if isinstance(x, list) and len(x) < value else None
        if keyword == "maxItems":
            return lambda x: fixed() if isinstance(x, list) and len(x) > value else None
        if keyword == "uniqueItems":
            return lambda x: fixed() if value and isinstance(x, list) and not unique(x) else None
        if keyword == "minProperties":
            wording = "should be non-empty" if value == 1 else "does not have enough properties"
            return lambda x: (
                self._generic(title, f"{x!r} {wording}")
                if isinstance(x, dict) and len(x) < value
                else None
            )
        if keyword == "maxProperties":
            wording = "is expected to be empty" if value == 0 else "has too many properties"
            return lambda x: (
                self._generic(title, f"{x!r} {wording}")
                if isinstance(x, dict) and len(x) > value
                else None
            )
        if keyword == "required":
            properties = schema.get("properties")
            titles = {
                name: title_of(properties.get(name)) if isinstance(properties, dict) else None
                for name in value
                if isinstance(name, str)
            }

            def required(x: Any) -> list[Record] | None:
                if not isinstance(x, dict):
                    return None
                return [
                    ([name], field_title, REQUIRED_ZH, REQUIRED_EN)
                    for name, field_title in titles.items()
                    if name not in x
                ]

            return required
        if keyword == "dependentRequired":
            pairs = tuple((name, tuple(others)) for name, others in value.items())

            def dependent(x: Any) -> list[Record] | None:
                if not isinstance(x, dict):
                    return None
                return [
                    self._generic(title, f"{other!r} is a dependency of {name!r}")
                    for name, others in pairs
                    if name in x
                    for other in others
                    if other not in x
                ]

            return dependent
        raise Unsupported(keyword)  # pragma: no cover - _LOCAL lists the keywords above

    @staticmethod
    def _generic(title: str | None, message: str) -> Record:
        return ([], title, *describe(None, None, None, message))

    # -- subschemas
    def _properties(
        self,
        schema: dict[str, Any],
        resolver: Any,
        *,
        explain: Node = _ok,
        typed: bool = False,
        needed: tuple[str, ...] = (),
    ) -> Node:
        """``properties`` and ``additionalProperties`` of ``schema`` in one pass over the
        instance; for ``_object``, also ``type: object`` (when ``typed``) and ``required``
        (``needed``), whose errors ``explain`` reports."""
        properties = schema.get("properties", {})
        if not isinstance(properties, dict):
            raise Unsupported("properties")
        compiled = {name: self.compile(sub, resolver) for name, sub in properties.items()}
        additional = schema.get("additionalProperties", True)
        closed = additional is False
        extra = None if additional is True or closed else self.compile(additional, resolver)
        if (
            not closed
            and extra is None
            and all(sub is _ok for sub in compiled.values())
            and not typed
            and not needed
        ):
            return _ok
        get = compiled.get

        def node(x: Any) -> Report:
            if not isinstance(x, dict):
                return explain(x) if typed else None
            out: Report = None
            for name in needed:
                if name not in x:
                    out = explain(x)
                    break
            for name, value in x.items():
                sub = get(name)
                if sub is None:
                    if closed:
                        found: Report = [([name], None, None, not_allowed(name))]
                    elif extra is not None:
                        found = extra(value)
                        if not found:
                            continue
                        _under(found, name)
                    else:
                        continue
                else:
                    found = sub(value)
                    if not found:
                        continue
                    _under(found, name)
                if out is None:
                    out = found
                else:
                    out.extend(found)
            return out

        return node

    def _items(self, schema: dict[str, Any], title: str | None, resolver: Any) -> Node:
        prefix = schema.get("prefixItems", [])
        if not isinstance(prefix, list):
            raise Unsupported("prefixItems")
        firsts = tuple(self.compile(sub, resolver) for sub in prefix)
        start = len(firsts)
        items = schema.get("items", True)
        refuse_rest = items is False
        item = _ok if items is True or refuse_rest else self.compile(items, resolver)

        def node(x: Any) -> Report:
            if not isinstance(x, list):
                return None
            out: Report = None
            for index, (value, sub) in enumerate(zip(x, firsts, strict=False)):
                found = sub(value)
                if found:
                    _under(found, index)
                    if out is None:
                        out = found
                    else:
                        out.extend(found)
            total = len(x)
            if refuse_rest:
                extra = total - start
                if extra > 0:
                    rest = x[start:] if extra != 1 else x[start]
                    noun = "items" if start != 1 else "item"
                    found = [
                        self._generic(
                            title,
                            f"Expected at most {start} {noun} but found {extra} extra: {rest!r}",
                        )
                    ]
                    if out is None:
                        out = found
                    else:
                        out.extend(found)
            elif item is not _ok:
                for index in range(start, total):
                    found = item(x[index])
                    if found:
                        _under(found, index)
                        if out is None:
                            out = found
                        else:
                            out.extend(found)
            return out

        return node

    def _combinators(self, schema: dict[str, Any], title: str | None, resolver: Any) -> list[Node]:
        nodes: list[Node] = []
        generic = self._generic
        if "allOf" in schema:
            subs = schema["allOf"]
            if not isinstance(subs, list):
                raise Unsupported("allOf")
            nodes.append(_sequence([self.compile(sub, resolver) for sub in subs]))
        if "anyOf" in schema:
            subs = schema["anyOf"]
            if not isinstance(subs, list):
                raise Unsupported("anyOf")
            accepts = _any_of([self.predicates.compile(sub, resolver) for sub in subs])

            def any_of(x: Any) -> Report:
                if accepts(x):
                    return None
                return [generic(title, f"{x!r} is not valid under any of the given schemas")]

            nodes.append(any_of)
        if "oneOf" in schema:
            subs = schema["oneOf"]
            if not isinstance(subs, list):
                raise Unsupported("oneOf")
            options = tuple((sub, self.predicates.compile(sub, resolver)) for sub in subs)

            def one_of(x: Any) -> Report:
                valid = [sub for sub, accepts in options if accepts(x)]
                if len(valid) == 1:
                    return None
                if not valid:
                    return [generic(title, f"{x!r} is not valid under any of the given schemas")]
                # jsonschema lists the later valid subschemas, then the first one
                reprs = ", ".join(repr(sub) for sub in [*valid[1:], valid[0]])
                return [generic(title, f"{x!r} is valid under each of {reprs}")]

            nodes.append(one_of)
        if "not" in schema:
            negated = schema["not"]
            refused = self.predicates.compile(negated, resolver)

            def not_(x: Any) -> Report:
                if not refused(x):
                    return None
                return [generic(title, f"{x!r} should not be valid under {negated!r}")]

            nodes.append(not_)
        if "if" in schema:
            condition = self.predicates.compile(schema["if"], resolver)
            then = self.compile(schema["then"], resolver) if "then" in schema else _ok
            otherwise = self.compile(schema["else"], resolver) if "else" in schema else _ok
            if then is not _ok or otherwise is not _ok:
                nodes.append(lambda x: then(x) if condition(x) else otherwise(x))
        return nodes


def compile_reporter(
    schema: Mapping[str, Any],
    resolver: Any,
    formats: Mapping[str, FormatCheck],
    quick_formats: Mapping[str, Check] | None = None,
) -> Node:
    """The error reporter of a root ``schema`` (``resolver`` rooted at it).

    ``quick_formats`` may map a format to a quick test that accepts only strings its
    checker accepts (anything it does not accept is left to the checker)."""
    return ReporterCompiler(formats, quick_formats).compile(schema, resolver, root=True)
