"""Telling staff when a robot fails: mail and chat messages per municipality, a daily summary.

Modules: ``channels`` (the registry's ``notify`` field and the environment defaults),
``message`` (the Japanese texts), ``send`` (who gets what; never fails a run).
The low-level senders are the mail robot (``kyodo.robots.mail``).
"""
