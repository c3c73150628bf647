"""Dashboard routes, one module per page group (auth, runs, schedule, effect)."""
