"""Document adapters: result documents rendered as PDF."""
