"""HTTP plumbing the web pages and the API share: who is logged in (``identity``), bearer
tokens for people (``person_tokens``), JSON request bodies read within limits (``bodies``),
JSON responses and the request-level error shape (``responses``, ``errors``).

Below ``adapters.web`` and ``adapters.graphql``, which never import each other
(docs/architecture.md)."""
