"""Scheduling: business-day calendar, friendly schedule forms, the single scheduler process."""
