"""Demo e-application portal (FastAPI + Jinja2)."""
