"""Survey sources."""
