"""The bottom layer every other part of kyodo stands on.

Errors, personal-data masking, the action registry, the settings model, run statuses and zones,
Japan time, safe YAML loading and upload checks. ``kyodo.core`` imports nothing from
``kyodo.robots``, ``kyodo.runner`` or ``kyodo.faq_bot`` (``tests/foundation/test_layers.py``
and ``make test``'s import contract check it).
"""
