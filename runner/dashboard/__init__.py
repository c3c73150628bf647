"""Staff dashboard (FastAPI + server-rendered Japanese pages)."""
