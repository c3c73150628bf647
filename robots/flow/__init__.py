"""Flow helpers for scenarios (messages for the run log)."""
