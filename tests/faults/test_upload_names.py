"""Row 1: two uploads never overwrite each other; a name keeps its script; replacing is a choice.

Each case asserts what the admin sees (one result per file) and what survives (every document that was
indexed before still answers its own question).
"""

from __future__ import annotations

from backend.rag.ingest.policy_library import PolicyLibrary
from tests.fakes import text_pdf
from tests.faults.conftest import answering_file

ANNUAL = text_pdf("Annual leave: 20 days. Keyword aardvark.")
SICK = text_pdf("Sick leave: 12 days. Keyword buffalo.")


def test_cjk_names_are_kept_and_do_not_collide(library: PolicyLibrary) -> None:
    library.rebuild()
    results = library.upload([("年假政策.pdf", ANNUAL), ("病假政策.pdf", SICK)])
    assert [(r.file, r.status, r.reason) for r in results] == [
        ("年假政策.pdf", "added", ""),
        ("病假政策.pdf", "added", ""),
    ]
    assert answering_file(library, "aardvark") == "年假政策.pdf"
    assert answering_file(library, "buffalo") == "病假政策.pdf"
    assert answering_file(library, "zebra") == "leave.pdf"


def test_names_that_used_to_sanitise_alike_stay_apart(library: PolicyLibrary) -> None:
    library.rebuild()
    results = library.upload([("Leave Policy.pdf", ANNUAL), ("Leave_Policy.pdf", SICK)])
    assert [(r.file, r.status) for r in results] == [
        ("Leave Policy.pdf", "added"),
        ("Leave_Policy.pdf", "added"),
    ]
    assert answering_file(library, "aardvark") == "Leave Policy.pdf"
    assert answering_file(library, "buffalo") == "Leave_Policy.pdf"


def test_a_different_document_under_a_taken_name_gets_a_numbered_name(library: PolicyLibrary) -> None:
    library.rebuild()
    library.upload([("policy.pdf", ANNUAL)])
    (result,) = library.upload([("policy.pdf", SICK)])
    assert (result.file, result.status) == ("policy (2).pdf", "added")
    assert result.reason == (
        "saved as policy (2).pdf because a different document is already named policy.pdf; "
        "to update that one, choose Replace"
    )
    assert (library.upload_dir / "policy.pdf").read_bytes() == ANNUAL  # the first one is untouched
    assert answering_file(library, "aardvark") == "policy.pdf"
    assert answering_file(library, "buffalo") == "policy (2).pdf"


def test_replace_is_an_explicit_choice(library: PolicyLibrary) -> None:
    library.rebuild()
    library.upload([("policy.pdf", ANNUAL)])
    (result,) = library.upload([("policy.pdf", SICK)], replace=True)
    assert (result.file, result.status, result.reason) == ("policy.pdf", "updated", "")
    assert answering_file(library, "buffalo") == "policy.pdf"
    assert answering_file(library, "zebra") == "leave.pdf"


def test_a_built_in_policy_is_never_replaced(library: PolicyLibrary) -> None:
    library.rebuild()
    (result,) = library.upload([("leave.pdf", SICK)], replace=True)
    assert (result.file, result.status) == ("leave (2).pdf", "added")
    assert result.reason == "saved as leave (2).pdf because a different document is already named leave.pdf"
    assert answering_file(library, "zebra") == "leave.pdf"
    assert answering_file(library, "buffalo") == "leave (2).pdf"
