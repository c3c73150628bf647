"""kyodo runner: scenario engine, scheduler, run store, CLI and dashboard."""

__version__ = "0.1.0"
