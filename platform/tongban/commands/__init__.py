"""Command-line commands of the adapters, wired to the platform: part of the composition
root (``tongban.cli`` registers them; docs/architecture.md)."""
