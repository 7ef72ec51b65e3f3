"""The public-services catalogue: its files, their validator and the read-only HTTP service."""
