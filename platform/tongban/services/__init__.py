"""Use cases: one function per command, each taking a tenant-bound unit of work."""
