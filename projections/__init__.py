"""Read models: each projection turns events into rows of its own tables, exactly once."""
