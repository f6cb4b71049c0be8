"""Every error condition has its words in the catalogue, in Chinese and English, each
placeholder filled by one of its fields (a field may be for machines only, e.g. a hash); every reason is unique and listed in docs/api.md (issue 13, point 4).

The registry is read at test time, after importing every module, so an error class added
anywhere is checked here. Regenerate the docs table with ``scripts/error_table.py --write``.
"""

from __future__ import annotations

import collections.abc
import datetime as dt
import importlib.util
import inspect
import string
import sys
import typing
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from tongban.core.error_catalogue import MESSAGES, reader_language, render
from tongban.core.errors import ErrorCode, NotFound, TongbanError, Violation

ROOT = Path(__file__).resolve().parents[2]
GENERIC = {"INVALID_INPUT", "FORBIDDEN", "CONFLICT", "INVALID_STATE"}
SAMPLES: dict[object, object] = {
    str: "样例",
    int: 7,
    float: 1.5,
    bool: True,
    dt.date: dt.date(2026, 9, 1),
    dt.datetime: dt.datetime(2026, 9, 1, 10, tzinfo=dt.UTC),
    object: "样例",
    Path: Path("/样例/路径"),
}


def _draft_conflict() -> TongbanError:
    from tongban.adapters.db.models import MatterVersion
    from tongban.services.definitions import DraftConflict

    row = MatterVersion(version=2, content_hash="ab12", created_by="yilan_admin")
    return DraftConflict("implementation", "000115041004", row)


EXAMPLES: dict[str, Callable[[], TongbanError]] = {"DRAFT_CONFLICT": _draft_conflict}
"""Errors whose fields come from something no plain sample stands for."""


def _script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("error_table", ROOT / "scripts/error_table.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["error_table"] = module
    spec.loader.exec_module(module)
    return module


ERROR_TABLE = _script()
REGISTRY = ERROR_TABLE.registry()


def _sample(annotation: object) -> object:
    if annotation in SAMPLES:
        return SAMPLES[annotation]
    origin = typing.get_origin(annotation)
    if origin in (list, tuple, set, frozenset, collections.abc.Sequence):
        if typing.get_args(annotation) == (Violation,):
            return [Violation("SAMPLE", "/样例", "样例问题")]
        return ["样例甲", "样例乙"]
    if origin in (typing.Union, __import__("types").UnionType):
        return _sample(typing.get_args(annotation)[0])
    if isinstance(annotation, type) and issubclass(annotation, str):
        return next(iter(annotation.__members__.values()))  # type: ignore[attr-defined]
    raise AssertionError(f"no sample for {annotation!r}: add the error to EXAMPLES")


def example(cls: type[TongbanError]) -> TongbanError:
    """An instance built from sample fields (or from ``EXAMPLES``)."""
    if cls.reason in EXAMPLES:
        return EXAMPLES[cls.reason]()
    if (
        cls.reason in GENERIC
        or "__init__" not in vars(cls)
        and cls.__init__ is TongbanError.__init__
    ):
        return cls("样例说明")
    hints = typing.get_type_hints(cls.__init__)
    kwargs: dict[str, Any] = {}
    for name, parameter in inspect.signature(cls.__init__).parameters.items():
        if name == "self" or parameter.kind in (parameter.VAR_KEYWORD, parameter.VAR_POSITIONAL):
            continue
        if parameter.default is not parameter.empty:
            continue
        kwargs[name] = _sample(hints.get(name, str))
    return cls(**kwargs)


def _fields(template: str) -> set[str]:
    names = {field for _, field, _, _ in string.Formatter().parse(template) if field}
    return {name.split(".")[0].split("[")[0] for name in names}


@pytest.mark.parametrize("reason", sorted(REGISTRY))
def test_every_reason_has_both_languages_filled_by_its_fields(reason: str) -> None:
    cls = REGISTRY[reason]
    assert cls.reason == reason
    assert isinstance(cls.code, ErrorCode)
    assert reason in MESSAGES, f"{cls.__qualname__}: add {reason} to core/error_catalogue.py"
    zh, en = MESSAGES[reason]
    err = example(cls)
    given = set(err.data) | ({"detail"} if err.detail else set())
    for language, template in (("zh", zh), ("en", en)):
        missing = _fields(template) - given
        assert not missing, f"{reason} ({language}): no field {missing} in {cls.__qualname__}"
    assert err.message == err.render("zh") and err.message.strip()
    assert err.render("en").strip()


@pytest.mark.parametrize("reason", sorted(MESSAGES))
def test_messages_are_chinese_then_english_without_mixing(reason: str) -> None:
    zh, en = MESSAGES[reason]
    fixed_en = string.Formatter()
    literal_en = "".join(text for text, _, _, _ in fixed_en.parse(en))
    literal_zh = "".join(text for text, _, _, _ in fixed_en.parse(zh))
    assert not any("\u4e00" <= ch <= "\u9fff" for ch in literal_en), f"{reason}: Chinese in en"
    assert not any(
        f"({word}" in literal_zh for word in ("the ", "a ", "an ", "not ", "invalid", "no ")
    ), f"{reason}: English in brackets in the Chinese template"


def test_every_catalogued_reason_is_registered() -> None:
    assert set(MESSAGES) - set(REGISTRY) == set()


def test_reasons_are_unique() -> None:
    with pytest.raises(TypeError, match="NOT_FOUND is taken"):

        class Twin(TongbanError):  # noqa: F841
            reason = "NOT_FOUND"


def test_rendering_falls_back_to_chinese_and_takes_the_language_tag() -> None:
    missing = NotFound("matter", "X1")
    assert missing.message == "事项 X1 不存在"
    assert missing.render("en-US") == "matter X1 not found"
    assert render("NOT_FOUND", {"kind": "matter", "key": "X1"}, "fr") == "事项 X1 不存在"
    assert render("NOT_FOUND", {"kind": "widget", "key": "X1"}, "zh") == "widget X1 不存在"


def test_docs_list_every_reason_with_its_category_and_words() -> None:
    documented = ERROR_TABLE.documented(ERROR_TABLE.DOC.read_text(encoding="utf-8"))
    assert documented == ERROR_TABLE.table(), (
        "docs/api.md's error table is stale: run .venv/bin/python scripts/error_table.py --write"
    )


@pytest.mark.parametrize(
    ("header", "language"),
    [
        (None, "zh"),
        ("", "zh"),
        ("en", "en"),
        ("en-US,en;q=0.9", "en"),
        ("zh-CN,zh;q=0.9,en;q=0.8", "zh"),
        ("en;q=0.5, zh-TW;q=0.8", "zh"),
        ("fr-FR, en;q=0.3", "en"),
        ("fr, de", "zh"),
        ("en;q=oops", "zh"),
    ],
)
def test_the_readers_language_comes_from_accept_language(header: str | None, language: str) -> None:
    assert reader_language(header) == language


def test_graphql_extensions_carry_category_reason_and_data_in_the_readers_language() -> None:
    from graphql import GraphQLError

    from tongban.adapters.graphql.errors import format_error
    from tongban.core.cases.workdays import NATIONAL_YEARS, CalendarMissing

    missing = CalendarMissing(2003, "230123")
    located = GraphQLError(missing.message, path=["deadline"], original_error=missing)
    zh = format_error(located, "req-1", "BAD_REQUEST")
    en = format_error(located, "req-1", "BAD_REQUEST", "en")
    assert (
        zh["extensions"]
        == en["extensions"]
        == {
            "code": "INVALID_INPUT",
            "reason": "CALENDAR_MISSING",
            "data": {
                "year": 2003,
                "tenant_code": "230123",
                "first": 2004,
                "last": NATIONAL_YEARS[1],
            },
            "requestId": "req-1",
        }
    )
    assert zh["message"].startswith("2003 年没有工作日历")
    assert en["message"].startswith("no working-day calendar for 2003")
