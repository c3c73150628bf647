"""Reconcile robot: 調定 vs 収納 matching, vectorised."""
