"""``python -m backend.rag ingest|search|ask|eval`` (see backend/rag/cli.py)."""

from backend.rag.cli import main

raise SystemExit(main())
