"""Table tests: abbreviations the documents define ("Earned Leave (EL)"), written out in questions."""

from __future__ import annotations

import pytest

from backend.rag.answer.wording import asked_sentence
from backend.rag.retrieve.abbreviations import Definition, defined_abbreviations, write_out
from backend.rag.types import Chunk


def chunk(text: str, file: str = "leave_policy.pdf") -> Chunk:
    return Chunk(f"{file}:1:0", file, 1, "Leave Types", "", text, "0" * 64)


@pytest.mark.parametrize(
    ("texts", "expected"),
    [
        (["Members get 2 Earned Leave (EL) per month."], {"EL": "Earned Leave"}),
        # the meaning is the shortest run of last words whose initials spell it
        (["2. Casual Leave (CL): up to 12 days"], {"CL": "Casual Leave"}),
        # small words may count ("and" in HIPAA) or not ("of" in COBRA's neighbour COB)
        (
            ["the Health Insurance Portability and Accountability Act (HIPAA) applies"],
            {"HIPAA": "Health Insurance Portability and Accountability Act"},
        ),
        (["read the Coordination of Benefits (COB) rules"], {"COB": "Coordination of Benefits"}),
        # initials that do not spell it define nothing
        (
            ["Prior Authorization (PA) is needed. An Authorization (PA) lapses."],
            {"PA": "Prior Authorization"},
        ),
        (["see Temporomandibular Joint Disorders (TMJ)"], {}),
        # a lower-case word is no name: "paid by the (PL)" defines nothing
        (["leave is paid later (PL)"], {}),
        # the same meaning in another case is one meaning
        (["Leave Without Pay (LWP)", "Leave without Pay (LWP)"], {"LWP": "Leave Without Pay"}),
        # two documents that disagree leave it alone
        (["Paid Leave (PL)", "Privilege Leave (PL)"], {}),
        # a run of letters (untrusted PDF text) is no word: scanned once, it defines nothing
        (["a" * 20_000 + " (EL)", "x" * 20_000], {}),
    ],
)
def test_abbreviations_are_read_from_the_documents_definitions(
    texts: list[str], expected: dict[str, str]
) -> None:
    found = defined_abbreviations(chunk(t) for t in texts)
    assert {a: d.meaning for a, d in found.items()} == expected
    assert all(d.files == {"leave_policy.pdf"} for d in found.values())


def test_each_abbreviation_knows_the_documents_that_define_it() -> None:
    found = defined_abbreviations(
        [chunk("Earned Leave (EL)", "pw.pdf"), chunk("Earned Leave (EL)", "cat.pdf")]
    )
    assert found["EL"].files == {"pw.pdf", "cat.pdf"}


ABBREVIATIONS = {
    "EL": Definition("Earned Leave", frozenset({"pw.pdf"})),
    "PET": Definition("Positron Emission Tomography", frozenset({"plus.pdf"})),
}


@pytest.mark.parametrize(
    ("text", "written"),
    [
        (
            "What is the maximum EL I can accumulate?",
            "What is the maximum Earned Leave (EL) I can accumulate?",
        ),
        ("can EL be encashed", "can Earned Leave (EL) be encashed"),
        # only a word in capitals, in a question not all in capitals: "pet insurance" is no scan
        ("is pet insurance offered", "is pet insurance offered"),
        ("IS PET INSURANCE OFFERED", "IS PET INSURANCE OFFERED"),
        ("does the plan cover a PET scan", "does the plan cover a Positron Emission Tomography (PET) scan"),
        # a part of a longer word, or an abbreviation the documents never define, stays
        ("ELS and HR", "ELS and HR"),
        # a question that already explains it is left as it is
        ("my Earned Leave (EL) balance", "my Earned Leave (EL) balance"),
    ],
)
def test_a_defined_abbreviation_is_written_out_before_itself(text: str, written: str) -> None:
    assert write_out(text, ABBREVIATIONS, {"pw.pdf", "plus.pdf"}) == written


def test_only_an_abbreviation_the_named_employers_documents_define_is_written_out() -> None:
    # "put on a PIP" at work is no Personal Injury Protection: the question names no such document
    assert write_out("my EL at PW", ABBREVIATIONS, {"pw.pdf"}) == "my Earned Leave (EL) at PW"
    assert write_out("my EL at PW", ABBREVIATIONS, {"cat.pdf"}) == "my EL at PW"
    assert write_out("my EL", ABBREVIATIONS, set()) == "my EL"


@pytest.mark.parametrize(
    ("question", "read"),
    [
        # the wording rules read the meaning, not the bracketed abbreviation search added
        (
            "how much does the Chief Executive Officer (CEO) make",
            "how much does the Chief Executive Officer make",
        ),
        ("How many Earned Leave (EL) do I get?", "How many Earned Leave do I get?"),
        # a bracket that is not an abbreviation stays
        ("Is (a) covered?", "Is (a) covered?"),
    ],
)
def test_the_wording_rules_read_a_question_without_its_written_out_abbreviations(
    question: str, read: str
) -> None:
    assert asked_sentence(question) == read
