"""The fast yes/no check of the flow meta-schema: the form compiler's predicate
(``core.form_compiler.predicate``), one implementation of each keyword for both.

jsonschema takes ~0.3 ms per flow node (the ``if``/``then`` per kind and ``$ref`` resolution
are the cost), i.e. 150–300 ms for a 500-node flow. Almost every flow that is saved is
well-formed, so the schema is compiled into closures that answer only "valid?" exactly as
jsonschema would; the full validator runs only when that answer is no, to report every error
with its path. A keyword the compiler does not reproduce exactly is refused at compile time
(``Unsupported``, a ``ValueError``), so nothing is silently ignored.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from referencing import Registry
from referencing.jsonschema import DRAFT202012

from tongban.core.form_compiler import Check, compile_predicate


def compile_check(root: Mapping[str, Any]) -> Check:
    """A predicate that is true exactly for the instances ``root`` accepts."""
    resolver = Registry().resolver_with_root(DRAFT202012.create_resource(dict(root)))
    return compile_predicate(root, resolver, {})
