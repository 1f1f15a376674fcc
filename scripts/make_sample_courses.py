"""Render the sample e-learning course notes in ``data/courses/src/*.md`` to the PDFs the app ships with.

The notes (foundation models, RAG, prompt engineering, Amazon Bedrock basics) were written for this
project, so Course Q&A answers offline on first start. Same source format and byte-for-byte
reproducible output as ``make_sample_policies.py``, whose renderer this reuses:

    .venv/bin/python scripts/make_sample_courses.py            # writes data/courses/*.pdf
    .venv/bin/python scripts/make_sample_courses.py --check    # fails if a PDF is out of date
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from make_sample_policies import ROOT, Collection, main

ACADEMY = "GenAI Workbench Academy"
COURSES = Collection(
    ROOT / "data" / "courses" / "src",
    ROOT / "data" / "courses",
    ACADEMY,
    f"{ACADEMY} course team",
    "scripts/make_sample_courses.py",
    title_with_organisation=False,
)

if __name__ == "__main__":
    raise SystemExit(main(collection=COURSES))
