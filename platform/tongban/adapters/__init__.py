"""Adapters around the core: database, web, GraphQL, tasks, files."""
