"""Schema revisions, oldest first; each is frozen once released (never edit, add a new one)."""
