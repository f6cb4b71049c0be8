"""Pure domain. Imports only the standard library, networkx and jsonschema (see README.md)."""
