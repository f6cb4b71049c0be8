"""Form schemas compiled into plain Python closures, agreeing exactly with jsonschema.

Two compilations of one 2020-12 schema, both built once per form (``FormValidator``):

- a *predicate* (``predicate.compile_predicate``): ``True`` exactly when jsonschema's
  ``is_valid`` is; the flow meta-schema check uses the same compiler;
- an *error reporter* (``reporter.compile_reporter``): ``None`` for valid data, otherwise
  one record per error jsonschema's ``iter_errors`` yields, located as jsonschema locates
  it, its words from ``messages``.

``$ref``\\ s are resolved once, at compile time, and the resolved subschema compiled in
place (shared when referenced again; a recursive reference is bound late). Only the keywords
forms use are compiled (``semantics.SUPPORTED``); a schema using any other keyword jsonschema
applies raises ``Unsupported``, and the caller validates that schema with jsonschema alone —
no keyword is ever silently skipped.
"""

from tongban.core.form_compiler.messages import (
    REQUIRED_EN,
    REQUIRED_ZH,
    describe,
    not_allowed,
    short,
    title_of,
)
from tongban.core.form_compiler.predicate import PredicateCompiler, compile_predicate
from tongban.core.form_compiler.reporter import (
    Node,
    Record,
    Report,
    ReporterCompiler,
    compile_reporter,
)
from tongban.core.form_compiler.semantics import SUPPORTED, Check, FormatCheck, Unsupported

__all__ = [
    "REQUIRED_EN",
    "REQUIRED_ZH",
    "SUPPORTED",
    "Check",
    "FormatCheck",
    "Node",
    "PredicateCompiler",
    "Record",
    "Report",
    "ReporterCompiler",
    "Unsupported",
    "compile_predicate",
    "compile_reporter",
    "describe",
    "not_allowed",
    "short",
    "title_of",
]
