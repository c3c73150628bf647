"""Table robot: combine and summarise tables."""
