"""The case engine's use cases: each command is one transaction that applies fully or not at all."""
