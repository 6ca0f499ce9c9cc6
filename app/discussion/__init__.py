"""Per-question discussion: threaded comments under each question of a submitted attempt."""
