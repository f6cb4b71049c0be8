"""Application forms: JSON Schema Draft 2020-12, checked up front and validated fast.

A matter's form is a 2020-12 schema whose root is an object with ``properties``. Forms
reuse the field definitions of ``form_schemas/common.json`` by absolute reference, e.g.
``{"$ref": "urn:tongban:common#/$defs/idCard"}``; those documents reach the core as a
``{$id: document}`` mapping (read by ``tongban.adapters.files.schemas``) wrapped in a
``SchemaRegistry``.

Two traps of jsonschema are closed here (reference/stack.md §4):

- unresolvable ``$ref``\\ s only surface at validation time, so ``check_form_schema`` walks
  every ``$ref`` and resolves it through the registry before a form is accepted;
- format checking is off by default, so every validator here carries ``FORMAT_CHECKER``
  (``date``, ``date-time``, ``email``, ``cn-id-card``, ``cn-uscc``), and a form naming any
  other format is refused rather than silently unchecked.

Validation reports every error with the JSON pointer of the offending instance location.
Validators are cached per schema content. Valid data, the common case, is recognised by a
validity predicate compiled from the schema into plain Python closures; only invalid data
(or a schema using keywords the compiler does not handle) goes through jsonschema's
``iter_errors``, which stays the authority for every error reported.
"""

from __future__ import annotations

import copy
import hashlib
import json
import math
import numbers
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from datetime import date, datetime
from typing import Any, Final

from jsonschema import Draft202012Validator, FormatChecker, ValidationError
from referencing import Registry, Resource
from referencing.exceptions import NoSuchAnchor, NoSuchResource, PointerToNowhere, Unresolvable
from referencing.jsonschema import DRAFT202012

from tongban.core.codes import id_card_problem, uscc_problem
from tongban.core.errors import InvalidDefinition, Violation

DRAFT_2020_12: Final = "https://json-schema.org/draft/2020-12/schema"
COMMON_ID: Final = "urn:tongban:common"

FORM_INVALID_SCHEMA: Final = "FORM_INVALID_SCHEMA"
FORM_UNRESOLVABLE_REF: Final = "FORM_UNRESOLVABLE_REF"
FORM_NOT_OBJECT: Final = "FORM_NOT_OBJECT"
FORM_DATA: Final = "FORM_DATA"


# --------------------------------------------------------------------------- JSON pointers


def escape_token(token: str | int) -> str:
    """One reference token of a JSON pointer (RFC 6901): ``~`` → ``~0``, ``/`` → ``~1``."""
    text = str(token)
    if "~" in text or "/" in text:
        text = text.replace("~", "~0").replace("/", "~1")
    return text


def json_pointer(tokens: Iterable[str | int]) -> str:
    """The JSON pointer of a path; ``""`` for the document itself."""
    return "".join("/" + escape_token(token) for token in tokens)


# --------------------------------------------------------------------------- formats

_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$", re.ASCII)
_DATE_TIME_RE = re.compile(
    r"^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$", re.ASCII
)
_EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s.]+(\.[^@\s.]+)+$")


def _format_date(instance: object) -> bool:
    if isinstance(instance, str):
        if not _DATE_RE.match(instance):
            raise ValueError("日期应为 YYYY-MM-DD")
        try:
            date.fromisoformat(instance)
        except ValueError:
            raise ValueError("日期不存在") from None
    return True


def _format_date_time(instance: object) -> bool:
    if isinstance(instance, str):
        if not _DATE_TIME_RE.match(instance):
            raise ValueError("时间应为 RFC 3339 格式")
        try:
            datetime.fromisoformat(instance.upper())
        except ValueError:
            raise ValueError("时间不存在") from None
    return True


def _format_email(instance: object) -> bool:
    if isinstance(instance, str) and not _EMAIL_RE.match(instance):
        raise ValueError("电子邮箱地址无效")
    return True


def _format_id_card(instance: object) -> bool:
    if isinstance(instance, str):
        problem = id_card_problem(instance)
        if problem:
            raise ValueError(problem)
    return True


def _format_uscc(instance: object) -> bool:
    if isinstance(instance, str):
        problem = uscc_problem(instance)
        if problem:
            raise ValueError(problem)
    return True


_FORMATS: dict[str, Callable[[object], bool]] = {
    "date": _format_date,
    "date-time": _format_date_time,
    "email": _format_email,
    "cn-id-card": _format_id_card,
    "cn-uscc": _format_uscc,
}
FORMATS: Final = frozenset(_FORMATS)
"""The formats forms may use. Each is checked; any other format is refused up front."""

FORMAT_CHECKER: Final = FormatChecker(formats=())
for _name, _check in _FORMATS.items():
    FORMAT_CHECKER.checks(_name, raises=ValueError)(_check)


def _format_test(check: Callable[[object], bool]) -> Callable[[Any], bool]:
    def test(instance: Any) -> bool:
        try:
            return check(instance)
        except ValueError:
            return False

    return test


# --------------------------------------------------------------------------- registry


class SchemaRegistry:
    """The shared schema documents forms may reference (``{$id: document}``).

    Holds the ``referencing.Registry`` handed to every validator, and a bounded cache of
    ``FormValidator``\\ s keyed by the canonical JSON of each form schema.
    """

    MAX_CACHED_VALIDATORS = 512

    def __init__(self, documents: Mapping[str, Mapping[str, Any]] | None = None) -> None:
        self.documents: dict[str, Mapping[str, Any]] = dict(documents or {})
        resources = []
        problems = []
        for uri, document in self.documents.items():
            try:
                resource = Resource.from_contents(document, default_specification=DRAFT202012)
            except Exception as error:  # e.g. an unknown $schema dialect
                problems.append(
                    Violation(FORM_INVALID_SCHEMA, "/$schema", f"无法识别 (unusable: {error})", uri)
                )
                continue
            resources.append((uri, resource))
        if problems:
            raise InvalidDefinition(problems, "共享模式无效 (invalid shared schemas)")
        # Forms resolve references against these documents only (not against the official
        # meta-schemas jsonschema would add): a form has no business referencing those.
        self.registry: Registry[Any] = Registry().with_resources(resources)
        self._validators: dict[str, FormValidator] = {}
        self._by_identity: dict[int, tuple[Mapping[str, Any], FormValidator]] = {}

    def __contains__(self, uri: object) -> bool:
        return uri in self.documents

    def resolver_for(self, schema: Mapping[str, Any]) -> Any:
        """A ``referencing`` resolver rooted at ``schema`` (resolving as validation will)."""
        resource = DRAFT202012.create_resource(schema)
        return self.registry.resolver_with_root(resource)

    def validator(self, schema: Mapping[str, Any]) -> FormValidator:
        """The cached ``FormValidator`` for ``schema`` (built on first use).

        Looked up by identity first (confirmed by equality with the validator's own copy,
        so a schema mutated in place is not mistaken for its old self), then by content.
        """
        recent = self._by_identity.get(id(schema))
        if recent is not None and recent[0] is schema and recent[1].schema == schema:
            return recent[1]
        key = schema_digest(schema)
        found = self._validators.get(key)
        if found is None:
            found = FormValidator(schema, self)
            _bounded_put(self._validators, key, found, self.MAX_CACHED_VALIDATORS)
        _bounded_put(self._by_identity, id(schema), (schema, found), self.MAX_CACHED_VALIDATORS)
        return found

    def check(self) -> list[Violation]:
        """Every unresolvable ``$ref`` inside the registry's own documents (source = $id)."""
        problems: list[Violation] = []
        for uri, document in self.documents.items():
            for violation in _reference_problems(document, self):
                problems.append(violation.with_source(uri))
        return sorted(problems)


def _bounded_put(cache: dict[Any, Any], key: Any, value: Any, limit: int) -> None:
    if key not in cache and len(cache) >= limit:
        cache.pop(next(iter(cache)))  # oldest first: dicts keep insertion order
    cache[key] = value


def schema_digest(schema: object) -> str:
    """A content key for a schema: the BLAKE2b of its canonical JSON."""
    canonical = json.dumps(
        schema, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=repr
    )
    return hashlib.blake2b(canonical.encode("utf-8"), digest_size=16).hexdigest()


# --------------------------------------------------------------------------- schema checks

_META_VALIDATOR = Draft202012Validator(
    Draft202012Validator.META_SCHEMA, format_checker=Draft202012Validator.FORMAT_CHECKER
)

# Keywords whose value is a subschema / a list of them / a map of names to them (2020-12).
_SUBSCHEMA = (
    "additionalProperties",
    "items",
    "contains",
    "not",
    "if",
    "then",
    "else",
    "propertyNames",
    "unevaluatedItems",
    "unevaluatedProperties",
    "contentSchema",
)
_SUBSCHEMA_LIST = ("allOf", "anyOf", "oneOf", "prefixItems")
_SUBSCHEMA_MAP = ("properties", "patternProperties", "$defs", "definitions", "dependentSchemas")


def _walk_schemas(
    schema: object, path: tuple[str | int, ...] = ()
) -> Iterator[tuple[dict[str, Any], tuple[str | int, ...]]]:
    """Every subschema object in schema positions (not in enum/const/default data)."""
    if not isinstance(schema, dict):
        return
    yield schema, path
    for keyword in _SUBSCHEMA:
        if keyword in schema:
            yield from _walk_schemas(schema[keyword], (*path, keyword))
    for keyword in _SUBSCHEMA_LIST:
        value = schema.get(keyword)
        if isinstance(value, list):
            for index, item in enumerate(value):
                yield from _walk_schemas(item, (*path, keyword, index))
    for keyword in _SUBSCHEMA_MAP:
        value = schema.get(keyword)
        if isinstance(value, dict):
            for name, item in value.items():
                yield from _walk_schemas(item, (*path, keyword, name))


def _reference_problems(schema: Mapping[str, Any], registry: SchemaRegistry) -> list[Violation]:
    """Resolve every ``$ref`` / ``$dynamicRef`` now, as validation would, and report failures."""
    problems: list[Violation] = []
    try:
        root = registry.resolver_for(schema)
    except Exception as error:  # a malformed $id, reported by the meta-schema as well
        return [Violation(FORM_INVALID_SCHEMA, "/$id", f"$id 无效 (invalid $id: {error})")]
    _walk_references(schema, (), root, problems, is_root=True)
    return problems


def _walk_references(
    schema: object,
    path: tuple[str | int, ...],
    resolver: Any,
    problems: list[Violation],
    *,
    is_root: bool = False,
) -> None:
    if not isinstance(schema, dict):
        return
    if not is_root and isinstance(schema.get("$id"), str):
        try:
            resolver = resolver.in_subresource(DRAFT202012.create_resource(schema))
        except Exception as error:
            problems.append(
                Violation(
                    FORM_INVALID_SCHEMA,
                    json_pointer((*path, "$id")),
                    f"$id 无效 (invalid $id: {error})",
                )
            )
            return
    for keyword in ("$ref", "$dynamicRef"):
        ref = schema.get(keyword)
        if isinstance(ref, str):
            try:
                resolver.lookup(ref)
            except Unresolvable as error:
                problems.append(
                    Violation(
                        FORM_UNRESOLVABLE_REF,
                        json_pointer((*path, keyword)),
                        f"引用 {ref} 无法解析 (unresolvable reference: {_unresolvable_reason(error)})",
                    )
                )
    for keyword in _SUBSCHEMA:
        if keyword in schema:
            _walk_references(schema[keyword], (*path, keyword), resolver, problems)
    for keyword in _SUBSCHEMA_LIST:
        value = schema.get(keyword)
        if isinstance(value, list):
            for index, item in enumerate(value):
                _walk_references(item, (*path, keyword, index), resolver, problems)
    for keyword in _SUBSCHEMA_MAP:
        value = schema.get(keyword)
        if isinstance(value, dict):
            for name, item in value.items():
                _walk_references(item, (*path, keyword, name), resolver, problems)


def _unresolvable_reason(error: Unresolvable) -> str:
    if isinstance(error, PointerToNowhere):
        return f"no {error.ref} in that document"
    if isinstance(error, NoSuchResource):
        return f"no schema document {error.ref!r} in the registry"
    if isinstance(error, NoSuchAnchor):
        return f"no anchor {error.anchor!r} in that document"
    return type(error).__name__


def check_form_schema(schema: object, registry: SchemaRegistry) -> list[Violation]:
    """Every problem with a form schema, sorted; pointers are relative to the schema.

    - ``FORM_INVALID_SCHEMA``: not a JSON object; ``$schema`` other than 2020-12; each
      violation of the 2020-12 meta-schema; a ``format`` the platform does not check;
    - ``FORM_UNRESOLVABLE_REF``: a ``$ref`` that does not resolve (pointer to the ``$ref``);
    - ``FORM_NOT_OBJECT``: the root is not ``type: object`` with ``properties``.
    """
    if not isinstance(schema, dict):
        return [
            Violation(
                FORM_INVALID_SCHEMA, "", "表单定义必须是 JSON 对象 (a form schema is an object)"
            )
        ]
    problems: set[Violation] = set()
    dialect = schema.get("$schema", DRAFT_2020_12)
    if dialect != DRAFT_2020_12:
        problems.add(
            Violation(
                FORM_INVALID_SCHEMA,
                "/$schema",
                f"表单须使用 JSON Schema 2020-12 ($schema must be {DRAFT_2020_12}, got {dialect!r})",
            )
        )
    for error in _META_VALIDATOR.iter_errors(schema):
        problems.add(
            Violation(
                FORM_INVALID_SCHEMA,
                json_pointer(error.absolute_path),
                f"不符合 JSON Schema 2020-12 元模式 (meta-schema: {_short(error.message)})",
            )
        )
    for subschema, path in _walk_schemas(schema):
        fmt = subschema.get("format")
        if isinstance(fmt, str) and fmt not in FORMATS:
            problems.add(
                Violation(
                    FORM_INVALID_SCHEMA,
                    json_pointer((*path, "format")),
                    f"平台不校验格式 {fmt!r}，请改用 pattern (unchecked format {fmt!r}; "
                    f"known: {', '.join(sorted(FORMATS))})",
                )
            )
    problems.update(_reference_problems(schema, registry))
    if schema.get("type") != "object":
        problems.add(
            Violation(
                FORM_NOT_OBJECT, "/type", "表单根节点须为 type: object (root must be an object)"
            )
        )
    if not isinstance(schema.get("properties"), dict):
        problems.add(
            Violation(
                FORM_NOT_OBJECT, "/properties", "表单根节点须有 properties (root needs properties)"
            )
        )
    return sorted(problems)


def _short(text: str, limit: int = 200) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


# --------------------------------------------------------------------------- validation

_TYPE_ZH = {
    "string": "字符串",
    "integer": "整数",
    "number": "数字",
    "boolean": "布尔值",
    "object": "对象",
    "array": "数组",
    "null": "空值",
}


class FormValidator:
    """Validates data against one form schema; build it once, call ``validate`` many times.

    Construction refuses a schema with any ``check_form_schema`` problem (raising
    ``InvalidDefinition``), so a validator never meets an unresolvable reference.
    """

    def __init__(self, schema: Mapping[str, Any], registry: SchemaRegistry) -> None:
        problems = check_form_schema(schema, registry)
        if problems:
            raise InvalidDefinition(problems, "表单定义无效 (invalid form schema)")
        schema = copy.deepcopy(schema)  # the validator must not change under its caller's edits
        self.schema: Mapping[str, Any] = schema
        self._validator = Draft202012Validator(
            schema, registry=registry.registry, format_checker=FORMAT_CHECKER
        )
        self._titles = _field_titles(schema)
        self._fast: Callable[[Any], bool] | None
        try:
            self._fast = _Compiler().compile(schema, registry.resolver_for(schema), root=True)
        except _Unsupported:
            self._fast = None

    @property
    def compiled(self) -> bool:
        """Whether valid data is recognised by the compiled predicate (the fast path)."""
        return self._fast is not None

    def is_valid(self, data: object) -> bool:
        if self._fast is not None:
            try:
                return self._fast(data)
            except Exception:  # noqa: BLE001 - jsonschema below is the authority
                pass
        return bool(self._validator.is_valid(data))

    def validate(self, data: object) -> list[Violation]:
        """Every error in ``data`` (``FORM_DATA``, pointer into the data), sorted."""
        if self._fast is not None:
            try:
                if self._fast(data):
                    return []
            except Exception:  # noqa: BLE001 - jsonschema below is the authority
                pass
        found: set[Violation] = set()
        for error in self._validator.iter_errors(data):
            found.update(self._violations(error))
        return sorted(found)

    # -- messages naming the field, in Chinese and English
    def _label(self, path: tuple[str | int, ...], schema: object = None) -> tuple[str, str]:
        names = [p for p in path if isinstance(p, str)]
        if not names:
            return "表单", "form"
        name = names[-1]
        title = self._titles.get(tuple("*" if isinstance(p, int) else p for p in path))
        if title is None and isinstance(schema, dict) and isinstance(schema.get("title"), str):
            title = schema["title"]
        return (f"{title}({name})" if title else name), name

    def _violations(self, error: ValidationError) -> Iterator[Violation]:
        path = tuple(error.absolute_path)
        keyword = error.validator
        value = error.validator_value
        if keyword == "required" and isinstance(error.instance, dict) and isinstance(value, list):
            # one error per missing field; each reports them all, the caller de-duplicates
            for missing in value:
                if isinstance(missing, str) and missing not in error.instance:
                    where = (*path, missing)
                    properties = (
                        error.schema.get("properties") if isinstance(error.schema, dict) else None
                    )
                    label, name = self._label(
                        where, properties.get(missing) if isinstance(properties, dict) else None
                    )
                    yield Violation(
                        FORM_DATA, json_pointer(where), f"{label} 为必填项 ({name} is required)"
                    )
            return
        if (
            keyword == "additionalProperties"
            and value is False
            and isinstance(error.instance, dict)
            and isinstance(error.schema, dict)
            and "patternProperties" not in error.schema
        ):
            allowed = error.schema.get("properties", {})
            for extra in error.instance:
                if extra not in allowed:
                    yield Violation(
                        FORM_DATA,
                        json_pointer((*path, extra)),
                        f"不允许填写字段 {extra} (field {extra} is not allowed)",
                    )
            return
        label, name = self._label(path, error.schema)
        zh, en = _describe(keyword, value, error)
        yield Violation(FORM_DATA, json_pointer(path), f"{label} {zh} ({name} {en})")


def _describe(keyword: object, value: Any, error: ValidationError) -> tuple[str, str]:
    if keyword == "type":
        types = value if isinstance(value, list) else [value]
        zh = "或".join(_TYPE_ZH.get(str(t), str(t)) for t in types)
        return f"应为{zh}", f"must be of type {' or '.join(map(str, types))}"
    if keyword == "format":
        cause = f"：{error.cause}" if error.cause is not None else ""
        return f"格式不正确{cause}", f"is not a valid {value}"
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
        return "取值不在允许范围内", _short(f"must be one of {value!r}")
    if keyword == "const":
        return f"取值应为 {value!r}", _short(f"must be {value!r}")
    if keyword == "minItems":
        return f"至少 {value} 项", f"has fewer than {value} items"
    if keyword == "maxItems":
        return f"最多 {value} 项", f"has more than {value} items"
    if keyword == "uniqueItems":
        return "各项不能重复", "has duplicate items"
    return "不符合要求", _short(error.message)


def _field_titles(schema: Mapping[str, Any]) -> dict[tuple[str, ...], str]:
    """Titles of the form's fields by data path (``*`` for array items), without $refs."""
    titles: dict[tuple[str, ...], str] = {}

    def visit(node: object, path: tuple[str, ...]) -> None:
        if not isinstance(node, dict):
            return
        title = node.get("title")
        if path and isinstance(title, str):
            titles.setdefault(path, title)
        properties = node.get("properties")
        if isinstance(properties, dict):
            for name, sub in properties.items():
                visit(sub, (*path, name))
        if "items" in node:
            visit(node["items"], (*path, "*"))

    visit(schema, ())
    return titles


def validate_form_data(
    schema: Mapping[str, Any], data: object, registry: SchemaRegistry
) -> list[Violation]:
    """Every error in ``data`` against ``schema``, with the validator cached per schema."""
    return registry.validator(schema).validate(data)


# --------------------------------------------------------------------------- fast path

_Check = Callable[[Any], bool]


class _Unsupported(Exception):
    """The schema uses something the compiler does not reproduce exactly."""


_KEYWORDS: Final = frozenset(Draft202012Validator.VALIDATORS)
_COMPILED: Final = frozenset(
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
        "minItems",
        "maxItems",
        "allOf",
        "anyOf",
        "oneOf",
        "not",
        "if",
    }
)


def _always(_: Any) -> bool:
    return True


def _never(_: Any) -> bool:
    return False


def _is_number(x: Any) -> bool:
    if type(x) is int or type(x) is float:
        return True
    return not isinstance(x, bool) and isinstance(x, numbers.Number)


def _is_integer(x: Any) -> bool:
    if type(x) is int:
        return True
    if isinstance(x, bool):
        return False
    return isinstance(x, int) or (isinstance(x, float) and x.is_integer())


_TYPE_TESTS: dict[str, _Check] = {
    "string": lambda x: isinstance(x, str),
    "integer": _is_integer,
    "number": _is_number,
    "boolean": lambda x: isinstance(x, bool),
    "null": lambda x: x is None,
    "array": lambda x: isinstance(x, list),
    "object": lambda x: isinstance(x, dict),
}


def _json_equal(one: Any, two: Any) -> bool:
    """Equality as JSON Schema sees it (as jsonschema's): booleans are not numbers."""
    if one is two:
        return True
    if isinstance(one, str) or isinstance(two, str):
        return bool(one == two)
    if isinstance(one, list) and isinstance(two, list):
        return len(one) == len(two) and all(
            _json_equal(a, b) for a, b in zip(one, two, strict=True)
        )
    if isinstance(one, dict) and isinstance(two, dict):
        return len(one) == len(two) and all(
            key in two and _json_equal(value, two[key]) for key, value in one.items()
        )
    if isinstance(one, bool) != isinstance(two, bool):
        return False
    return bool(one == two)


_PYTHON_TYPES: dict[str, type] = {
    "string": str,
    "boolean": bool,
    "null": type(None),
    "array": list,
    "object": dict,
}


def _any_of(checks: list[_Check]) -> _Check:
    if not checks:
        return _never
    if len(checks) == 1:
        return checks[0]
    frozen = tuple(checks)

    def check(x: Any) -> bool:
        for each in frozen:
            if each(x):
                return True
        return False

    return check


def _all_of(checks: list[_Check]) -> _Check:
    if not checks:
        return _always
    if len(checks) == 1:
        return checks[0]
    frozen = tuple(checks)

    def check(x: Any) -> bool:
        for each in frozen:
            if not each(x):
                return False
        return True

    return check


class _Compiler:
    """Compiles a schema into a validity predicate agreeing with jsonschema's ``is_valid``.

    Anything it cannot reproduce exactly (unknown-to-it keywords that jsonschema applies,
    recursive references) raises ``_Unsupported``; the caller then uses jsonschema only.
    """

    def __init__(self) -> None:
        self._active: set[int] = set()
        self._memo: dict[int, _Check] = {}

    def compile(self, schema: object, resolver: Any, *, root: bool = False) -> _Check:
        if schema is True:
            return _always
        if schema is False:
            return _never
        if not isinstance(schema, dict):
            raise _Unsupported(f"schema {schema!r}")
        if not root and "$id" in schema:
            resolver = resolver.in_subresource(DRAFT202012.create_resource(schema))
        present = _KEYWORDS.intersection(schema)
        if not present <= _COMPILED:
            raise _Unsupported(", ".join(sorted(present - _COMPILED)))
        checks: list[_Check] = []
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
            checks.append(lambda x: _json_equal(x, const))
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

    def _ref(self, ref: object, resolver: Any) -> _Check:
        if not isinstance(ref, str):
            raise _Unsupported("$ref")
        try:
            resolved = resolver.lookup(ref)
        except Unresolvable as error:
            raise _Unsupported(str(error)) from None
        key = id(resolved.contents)
        if key in self._memo:
            return self._memo[key]
        if key in self._active:
            raise _Unsupported("recursive $ref")
        self._active.add(key)
        try:
            check = self.compile(resolved.contents, resolved.resolver)
        finally:
            self._active.discard(key)
        self._memo[key] = check
        return check

    @staticmethod
    def _type(value: object) -> tuple[_Check, bool, _Check]:
        """(the type test, whether strings pass it, the test for anything but strings)."""
        names = value if isinstance(value, list) else [value]
        for name in names:
            if not isinstance(name, str) or name not in _TYPE_TESTS:
                raise _Unsupported(f"type {name!r}")
        if all(name in _PYTHON_TYPES for name in names):
            python_types = tuple(_PYTHON_TYPES[name] for name in names)
            others = tuple(t for t in python_types if t is not str)
            return (
                lambda x: isinstance(x, python_types),
                str in python_types,
                (lambda x: isinstance(x, others)) if others else _never,
            )
        return (
            _any_of([_TYPE_TESTS[name] for name in names]),
            "string" in names,
            _any_of([_TYPE_TESTS[name] for name in names if name != "string"]),
        )

    @staticmethod
    def _enum(values: object) -> _Check:
        if not isinstance(values, list):
            raise _Unsupported("enum")
        if all(isinstance(v, str) for v in values):
            allowed = frozenset(values)
            return lambda x: isinstance(x, str) and x in allowed
        frozen = tuple(values)
        return lambda x: any(_json_equal(x, v) for v in frozen)

    @staticmethod
    def _string(
        schema: dict[str, Any], typing: tuple[_Check, bool, _Check] | None
    ) -> _Check | None:
        low = schema.get("minLength")
        high = schema.get("maxLength")
        pattern = schema.get("pattern")
        fmt = schema.get("format")
        if low is None and high is None and pattern is None and fmt is None:
            return None
        low_n = 0 if low is None else low
        high_n = math.inf if high is None else high
        if not isinstance(low_n, int | float) or not isinstance(high_n, int | float):
            raise _Unsupported("length")
        if pattern is not None and not isinstance(pattern, str):
            raise _Unsupported("pattern")
        search = re.compile(pattern).search if pattern is not None else None
        fmt_test = _format_test(_FORMATS[fmt]) if fmt in _FORMATS else None
        strings_pass, others = (True, _always) if typing is None else typing[1:]

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
    def _number(schema: dict[str, Any]) -> _Check | None:
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
            if not _is_number(bound):
                raise _Unsupported("numeric bound")
        low = max((b for b, op in bounds if op == "ge"), default=None)
        high = min((b for b, op in bounds if op == "le"), default=None)
        low_x = max((b for b, op in bounds if op == "gt"), default=None)
        high_x = min((b for b, op in bounds if op == "lt"), default=None)

        def check(x: Any) -> bool:
            if _is_number(x):
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

    def _object(self, schema: dict[str, Any], resolver: Any) -> _Check | None:
        keys = ("properties", "required", "additionalProperties", "dependentRequired")
        if not any(k in schema for k in keys) and not (
            "minProperties" in schema or "maxProperties" in schema
        ):
            return None
        properties = schema.get("properties", {})
        required = schema.get("required", [])
        dependent = schema.get("dependentRequired", {})
        if not isinstance(properties, dict) or not isinstance(required, list):
            raise _Unsupported("properties/required")
        if not isinstance(dependent, dict):
            raise _Unsupported("dependentRequired")
        compiled = tuple((name, self.compile(sub, resolver)) for name, sub in properties.items())
        needed = tuple(required)
        dependencies = tuple((k, tuple(v)) for k, v in dependent.items())
        min_props = schema.get("minProperties", 0)
        max_props = schema.get("maxProperties", math.inf)
        known = frozenset(properties)
        extra: _Check | None = None
        closed = False
        if "additionalProperties" in schema:
            additional = schema["additionalProperties"]
            if additional is False:
                closed = True
            elif additional is not True:
                extra = self.compile(additional, resolver)

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

    def _array(self, schema: dict[str, Any], resolver: Any) -> _Check | None:
        if not any(k in schema for k in ("items", "minItems", "maxItems")):
            return None
        item = self.compile(schema["items"], resolver) if "items" in schema else None
        low = schema.get("minItems", 0)
        high = schema.get("maxItems", math.inf)

        def check(x: Any) -> bool:
            if isinstance(x, list):
                if not low <= len(x) <= high:
                    return False
                if item is not None:
                    for each in x:
                        if not item(each):
                            return False
            return True

        return check

    def _combinators(self, schema: dict[str, Any], resolver: Any) -> list[_Check]:
        checks: list[_Check] = []
        for keyword in ("allOf", "anyOf", "oneOf"):
            if keyword not in schema:
                continue
            subs = schema[keyword]
            if not isinstance(subs, list):
                raise _Unsupported(keyword)
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
            then = self.compile(schema["then"], resolver) if "then" in schema else _always
            otherwise = self.compile(schema["else"], resolver) if "else" in schema else _always
            checks.append(lambda x: then(x) if condition(x) else otherwise(x))
        return checks
