"""Celery worker side of kyodo."""
