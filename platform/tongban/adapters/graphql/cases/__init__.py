"""GraphQL cases: its Query and Mutation fields, mixed into schema.Query / schema.Mutation.

``types`` holds the enums and object types, ``queries`` the reads and their pages,
``mutations`` the commands; ``resolving`` what they share.
"""

from tongban.adapters.graphql.cases.mutations import Mutation
from tongban.adapters.graphql.cases.queries import DEFAULT_FIRST, MAX_FIRST, Query, page_size
from tongban.adapters.graphql.paging import decode_cursor, encode_cursor

__all__ = [
    "DEFAULT_FIRST",
    "MAX_FIRST",
    "Mutation",
    "Query",
    "decode_cursor",
    "encode_cursor",
    "page_size",
]
