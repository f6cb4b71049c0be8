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
Validators are cached per schema content. Each schema is compiled once
(``tongban.core.form_compiler``) into plain Python closures, ``$ref``\\ s resolved at compile
time, that report exactly the errors jsonschema's ``iter_errors`` reports — same pointers,
same messages (``tests/unit/test_forms.py`` holds the two to each other on random data) —
without going through jsonschema at validation time. A schema using a keyword the compiler
does not cover, and data that makes the compiled code raise, are validated by jsonschema.
"""

from __future__ import annotations

import copy
import hashlib
import json
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from datetime import date, datetime
from typing import Any, Final

from jsonschema import Draft202012Validator, FormatChecker, ValidationError
from referencing import Registry, Resource
from referencing.exceptions import NoSuchAnchor, NoSuchResource, PointerToNowhere, Unresolvable
from referencing.jsonschema import DRAFT202012

from tongban.core.codes import USCC_CHARSET, id_card_problem, uscc_problem
from tongban.core.definition_errors import FormSchemaInvalid, SharedSchemasInvalid
from tongban.core.errors import Violation
from tongban.core.form_compiler import (
    REQUIRED_EN,
    REQUIRED_ZH,
    Record,
    Unsupported,
    compile_predicate,
    compile_reporter,
    describe,
    not_allowed,
    short,
    title_of,
)

DRAFT_2020_12: Final = "https://json-schema.org/draft/2020-12/schema"
COMMON_ID: Final = "urn:tongban:common"

FORM_INVALID_SCHEMA: Final = "FORM_INVALID_SCHEMA"
FORM_UNRESOLVABLE_REF: Final = "FORM_UNRESOLVABLE_REF"
FORM_NOT_OBJECT: Final = "FORM_NOT_OBJECT"
FORM_DATA: Final = "FORM_DATA"
FORM_DEFAULT_INVALID: Final = "FORM_DEFAULT_INVALID"
FORM_EXAMPLE_INVALID: Final = "FORM_EXAMPLE_INVALID"
FORM_CONST_INVALID: Final = "FORM_CONST_INVALID"


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

# Quick tests that accept only what the checkers above accept: the compiled validator tries
# one first and leaves anything it does not accept (and every message) to the checker.
_ID_CARD_SHAPE = re.compile(r"[0-9]{17}[0-9Xx]").fullmatch
_USCC_SHAPE = re.compile(r"[0-9A-HJ-NPQRTUWXY]{2}[0-9]{6}[0-9A-HJ-NPQRTUWXY]{10}").fullmatch
_USCC_AS_BASE_34 = str.maketrans(
    {char: "0123456789abcdefghijklmnopqrstu"[index] for index, char in enumerate(USCC_CHARSET)}
)
_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)


def _quick_id_card(number: str) -> bool:
    """Whether ``number`` is certainly a valid citizen ID number (``id_card_problem``).

    ISO 7064 MOD 11-2 weighs the digit k places left of the check digit by 2**k mod 11; as
    13 ≡ 2 (mod 11), the weighted sum of the first 17 digits ≡ 2 × int(them, base 13).
    """
    return (
        _ID_CARD_SHAPE(number) is not None
        and "10X98765432"[2 * int(number[:17], 13) % 11] == number[17].upper()
    )


def _quick_uscc(code: str) -> bool:
    """Whether ``code`` is certainly a valid unified social credit code (``uscc_problem``).

    GB 32100 weighs the i-th character's index in the charset by 3**i mod 31; as 34 ≡ 3
    (mod 31), the weighted sum ≡ the first 17 characters, reversed, read in base 34.
    """
    if _USCC_SHAPE(code) is None:
        return False
    total = int(code[16::-1].translate(_USCC_AS_BASE_34), 34)
    if USCC_CHARSET[-total % 31] != code[17]:
        return False
    org = sum(int(char, 36) * weight for char, weight in zip(code[8:16], _ORG_WEIGHTS, strict=True))
    return "0X987654321"[org % 11] == code[16]


_QUICK_FORMATS: dict[str, Callable[[str], bool]] = {
    "cn-id-card": _quick_id_card,
    "cn-uscc": _quick_uscc,
}

FORMAT_CHECKER: Final = FormatChecker(formats=())
for _name, _check in _FORMATS.items():
    FORMAT_CHECKER.checks(_name, raises=ValueError)(_check)


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
            raise SharedSchemasInvalid(problems)
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
    - ``FORM_NOT_OBJECT``: the root is not ``type: object`` with ``properties``;
    - ``FORM_DEFAULT_INVALID``, ``FORM_EXAMPLE_INVALID``, ``FORM_CONST_INVALID``: a
      ``default``, an item of ``examples`` or a ``const`` that the (sub)schema carrying it
      refuses (pointer to the value), checked once the schema itself is sound.
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
        problems.update(_size_problems(subschema, path))
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
    if not problems:
        problems.update(_value_problems(schema, registry))
    return sorted(problems)


# Sizes a form's parts may have (issue 12, point 7): a definition is served on every case
# page and API read, so no title, description or enum may grow without bound.
MAX_TITLE_CHARS: Final = 200
MAX_DESCRIPTION_CHARS: Final = 2000
MAX_ENUM_ITEMS: Final = 500
MAX_ENUM_ITEM_CHARS: Final = 500


def _size_problems(subschema: Mapping[str, Any], path: tuple[str | int, ...]) -> list[Violation]:
    """``FORM_INVALID_SCHEMA`` for a title, description or enum over its size."""
    problems: list[Violation] = []
    for keyword, limit, zh in (
        ("title", MAX_TITLE_CHARS, "标题"),
        ("description", MAX_DESCRIPTION_CHARS, "说明"),
    ):
        text = subschema.get(keyword)
        if isinstance(text, str) and len(text) > limit:
            problems.append(
                Violation(
                    FORM_INVALID_SCHEMA,
                    json_pointer((*path, keyword)),
                    f"{zh}过长 ({keyword} of {len(text)} characters; the limit is {limit})",
                )
            )
    enum = subschema.get("enum")
    if isinstance(enum, list):
        if len(enum) > MAX_ENUM_ITEMS:
            problems.append(
                Violation(
                    FORM_INVALID_SCHEMA,
                    json_pointer((*path, "enum")),
                    f"枚举值过多 (enum of {len(enum)} items; the limit is {MAX_ENUM_ITEMS})",
                )
            )
        for index, item in enumerate(enum[:MAX_ENUM_ITEMS]):
            if isinstance(item, str) and len(item) > MAX_ENUM_ITEM_CHARS:
                problems.append(
                    Violation(
                        FORM_INVALID_SCHEMA,
                        json_pointer((*path, "enum", index)),
                        f"枚举值过长 (enum item of {len(item)} characters; "
                        f"the limit is {MAX_ENUM_ITEM_CHARS})",
                    )
                )
                break
    return problems


# keyword → (code, Chinese name, English name) of the values a schema gives for itself
_OWN_VALUES: Final = {
    "default": (FORM_DEFAULT_INVALID, "默认值", "default"),
    "examples": (FORM_EXAMPLE_INVALID, "示例值", "example"),
    "const": (FORM_CONST_INVALID, "固定值", "const"),
}


def _value_problems(schema: Mapping[str, Any], registry: SchemaRegistry) -> list[Violation]:
    """Each ``default``, ``examples`` item and ``const`` its own (sub)schema refuses.

    The value is validated against the subschema that carries it — ``$ref``\\ s resolved
    from the form's root, formats checked — as the field would validate an applicant's data.
    """
    root = Draft202012Validator(schema, registry=registry.registry, format_checker=FORMAT_CHECKER)
    problems: list[Violation] = []
    for subschema, path in _walk_schemas(schema):
        for keyword, (code, zh_name, en_name) in _OWN_VALUES.items():
            if keyword not in subschema:
                continue
            value = subschema[keyword]
            if keyword == "examples":
                if not isinstance(value, list):
                    continue  # the meta-schema reports it
                items: list[tuple[tuple[str | int, ...], Any]] = [
                    ((keyword, index), item) for index, item in enumerate(value)
                ]
            else:
                items = [((keyword,), value)]
            for tokens, item in items:
                why = _refusal(root, subschema, item)
                if why is not None:
                    zh, en = why
                    problems.append(
                        Violation(
                            code,
                            json_pointer((*path, *tokens)),
                            f"{zh_name}不符合字段自身的定义：{zh} "
                            f"({en_name} {short(repr(item), 60)} fails the field's own schema: {en})",
                        )
                    )
    return problems


def _refusal(
    root: Draft202012Validator, subschema: Mapping[str, Any], value: Any
) -> tuple[str, str] | None:
    """Why ``subschema`` (resolving as ``root`` does) refuses ``value``, or None."""
    try:
        errors = sorted(
            root.evolve(schema=subschema).iter_errors(value),
            key=lambda error: (list(map(str, error.absolute_path)), str(error.validator)),
        )
    except Exception:  # noqa: BLE001 - e.g. a pattern Python cannot compile: reported elsewhere
        return None
    if not errors:
        return None
    zh_parts, en_parts = [], []
    for error in errors:
        where = json_pointer(error.absolute_path)
        if error.validator == "required" and isinstance(error.instance, dict):
            missing = [n for n in error.validator_value if n not in error.instance]
            zh, en = f"缺少必填项 {', '.join(map(str, missing))}", f"lacks {missing!r}"
        else:
            zh, en = describe(error.validator, error.validator_value, error.cause, error.message)
        zh_parts.append(f"{where} {zh}" if where else zh)
        en_parts.append(f"{where} {en}" if where else en)
    return "；".join(dict.fromkeys(zh_parts)), "; ".join(dict.fromkeys(en_parts))


_short = short


# --------------------------------------------------------------------------- validation


class FormValidator:
    """Validates data against one form schema; build it once, call ``validate`` many times.

    Construction refuses a schema with any ``check_form_schema`` problem (raising
    ``InvalidDefinition``), so a validator never meets an unresolvable reference.

    The schema is compiled (``tongban.core.form_compiler``) into a validity predicate and an
    error reporter, which report exactly the errors jsonschema's ``iter_errors`` does (same
    instance pointers, same messages); a schema using a keyword the compiler does not cover
    is validated by jsonschema alone, and so is data that makes the compiled code raise.
    """

    MAX_CACHED_MESSAGES = 4096  # (location, error) → message text, reused across calls

    def __init__(self, schema: Mapping[str, Any], registry: SchemaRegistry) -> None:
        problems = check_form_schema(schema, registry)
        if problems:
            raise FormSchemaInvalid(problems)
        schema = copy.deepcopy(schema)  # the validator must not change under its caller's edits
        self.schema: Mapping[str, Any] = schema
        self._validator = Draft202012Validator(
            schema, registry=registry.registry, format_checker=FORMAT_CHECKER
        )
        self._titles = _field_titles(schema)
        self._messages: dict[tuple[Any, ...], tuple[str, str]] = {}
        self._fast: Callable[[Any], bool] | None
        self._report: Callable[[Any], list[Record] | None] | None
        try:
            resolver = registry.resolver_for(schema)
            self._fast = compile_predicate(schema, resolver, _FORMATS)
            self._report = compile_reporter(schema, resolver, _FORMATS, _QUICK_FORMATS)
        except Unsupported:
            self._fast = self._report = None

    @property
    def compiled(self) -> bool:
        """Whether the compiled predicate and error reporter serve this schema."""
        return self._report is not None

    def is_valid(self, data: object) -> bool:
        if self._fast is not None:
            try:
                return self._fast(data)
            except Exception:  # noqa: BLE001 - jsonschema below is the authority
                pass
        return bool(self._validator.is_valid(data))

    def validate(self, data: object) -> list[Violation]:
        """Every error in ``data`` (``FORM_DATA``, pointer into the data), sorted."""
        if self._report is not None:
            try:
                records = self._report(data)
            except Exception:  # noqa: BLE001 - jsonschema below is the authority
                pass
            else:
                return self._from_records(records) if records else []
        return self.jsonschema_violations(data)

    def compiled_violations(self, data: object) -> list[Violation]:
        """``validate`` done by the compiled reporter alone (no fallback: raises whatever it
        raises, and ``TypeError`` for a schema it does not cover) — for tests."""
        if self._report is None:
            raise TypeError("this form schema is validated by jsonschema only")
        records = self._report(data)
        return self._from_records(records) if records else []

    def jsonschema_violations(self, data: object) -> list[Violation]:
        """``validate`` done by jsonschema's ``iter_errors`` alone: the reference the
        compiled reporter agrees with, and the path for schemas it does not cover."""
        found: set[Violation] = set()
        for error in self._validator.iter_errors(data):
            found.update(self._violations(error))
        return sorted(found)

    def _from_records(self, records: list[Record]) -> list[Violation]:
        messages = self._messages
        found: set[tuple[str, str]] = set()
        for tokens, title, zh, en in records:
            key = (tuple(tokens), title, zh, en)
            pointer_message = messages.get(key)
            if pointer_message is None:
                path = key[0][::-1]
                if zh is None:
                    message = en
                else:
                    label, name = self._label(path, title)
                    message = f"{label} {zh} ({name} {en})"
                pointer_message = (json_pointer(path), message)
                if len(messages) >= self.MAX_CACHED_MESSAGES:
                    messages.clear()
                messages[key] = pointer_message
            found.add(pointer_message)
        # one code, no source: ordered by (pointer, message) as the violations would be
        return [Violation(FORM_DATA, pointer, message) for pointer, message in sorted(found)]

    # -- messages naming the field, in Chinese and English
    def _label(self, path: tuple[str | int, ...], fallback: str | None) -> tuple[str, str]:
        """(label, name) of the field at ``path``: its title from the form (or else the
        ``fallback`` title of the schema that failed) with its name, or just its name."""
        names = [p for p in path if isinstance(p, str)]
        if not names:
            return "表单", "form"
        name = names[-1]
        title = self._titles.get(tuple("*" if isinstance(p, int) else p for p in path))
        if title is None:
            title = fallback
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
                        where,
                        title_of(properties.get(missing)) if isinstance(properties, dict) else None,
                    )
                    yield Violation(
                        FORM_DATA,
                        json_pointer(where),
                        f"{label} {REQUIRED_ZH} ({name} {REQUIRED_EN})",
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
                    yield Violation(FORM_DATA, json_pointer((*path, extra)), not_allowed(extra))
            return
        label, name = self._label(path, title_of(error.schema))
        zh, en = describe(keyword, value, error.cause, error.message)
        yield Violation(FORM_DATA, json_pointer(path), f"{label} {zh} ({name} {en})")


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
