"""The text pipeline's version moves with its output, so indexes get re-cut after an improvement.

An indexed file records the ``CHUNKING_VERSION`` that cut it, and a sync re-cuts files of another
version. That only works if the version changes whenever parsing, cleaning or splitting make
different passages: this test pins the passages of the shipped sample policies to the version. When it
fails, the pipeline's output changed: bump ``CHUNKING_VERSION`` and record the new fingerprint here.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from backend.rag.ingest.parser import build_document, extract_page_texts, open_pdf
from backend.rag.ingest.splitter import CHUNKING_VERSION, split_document
from backend.settings import DEFAULT_PARSE_LIMITS
from tests.conftest import REPO_ROOT
from tests.fakes import text_pdf

# A fixed list, so adding a sample policy later does not move the fingerprint (and force a re-cut).
SAMPLES = (
    "acme_code_of_conduct.pdf",
    "acme_leave_policy.pdf",
    "acme_remote_work_policy.pdf",
    "acme_travel_expense_policy.pdf",
)
FINGERPRINTS = {
    "2026-11-30": "0750db60581271128d8ba618d2d6e9f23a994aa9706151a67706d56d557e88e1",
    "2026-11-30.2": "2828d2a4c3135a86212d0bf3d05e3d28431871e811efaae3e8f990447f14da3b",
    # A role's title that its form restates heads the role (the samples have no such form).
    "2026-11-30.3": "2828d2a4c3135a86212d0bf3d05e3d28431871e811efaae3e8f990447f14da3b",
    # A heading printed twice ("CARE MANAGEMENT", …, "CARE MANAGEMENT: Prior Authorization") stays one.
    "2026-11-30.4": "2828d2a4c3135a86212d0bf3d05e3d28431871e811efaae3e8f990447f14da3b",
    # A heading repeated inside a longer one ("COVERED SERVICES: Maternity Care") counts as printed twice.
    # From this version on the fingerprint also covers LAYOUTS (earlier ones: the samples only).
    "2026-11-30.5": "af739dd78c9ac8e8295b105393705cba1f17250a7b7d1c4b516f968df28ebcfb",
}


# Layouts the samples lack but the corpus has, so a change to how they are read moves the fingerprint
# too: a role's title block (a title, then a form that restates it) and a booklet heading printed twice.
LAYOUTS = (
    "Roles\n\nThe roles follow.\n\nDirector of Human Resources\n\n"
    "JOB TITLE: Director of Human Resources, Contoso\nJOB SUMMARY:\nThe director leads the HR team.",
    "CARE MANAGEMENT\nPrior-Authorization\nCARE MANAGEMENT: Prior Authorization\nSome need approval.",
)


def passages_fingerprint() -> str:
    digest = hashlib.sha256()
    documents = [(name, (REPO_ROOT / "data" / "policies" / name).read_bytes()) for name in SAMPLES]
    for name, data in [*documents, ("layouts.pdf", text_pdf(*LAYOUTS, title="Layouts"))]:
        path = Path(name)
        opened = open_pdf(data, path.name)
        raw = extract_page_texts(
            data, path.name, 0, opened.page_count, DEFAULT_PARSE_LIMITS.decoded_page_bytes
        )
        for chunk in split_document(build_document(opened, raw)):
            digest.update(
                json.dumps([chunk.file, chunk.page, chunk.title, chunk.section, chunk.text]).encode()
            )
    return digest.hexdigest()


def test_the_chunking_version_changes_with_the_passages_the_pipeline_makes() -> None:
    fingerprint = passages_fingerprint()
    assert FINGERPRINTS.get(CHUNKING_VERSION) == fingerprint, (
        f"The sample policies now split into different passages (fingerprint {fingerprint}): bump "
        "CHUNKING_VERSION in backend/rag/ingest/splitter.py and record the new fingerprint here, so "
        "existing indexes are re-cut."
    )
