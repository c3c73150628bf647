"""Scenarios: the YAML model, its loader and validator, the ${...} expressions, dry runs and generated docs."""
