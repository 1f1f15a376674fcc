"""Heading detection and structure-aware chunking."""

from __future__ import annotations

import pytest

from backend.rag.ingest.headings import drop_form_runs, is_heading
from backend.rag.ingest.parser import ParsedDocument
from backend.rag.ingest.splitter import estimate_tokens, split_document
from backend.rag.types import embedding_text


@pytest.mark.parametrize(
    ("line", "prev", "nxt", "expected"),
    [
        ("Annual Leave", None, "Employees earn two days a month.", True),
        ("Definition of Workplace Violence", "policy text ends here.", "Workplace violence is any act", True),
        ("QUALIFICATIONS:", "• Strong analytical skills", "• Bachelor's degree", True),
        ("What is Covered?", "some sentence.", "PerksPlus covers", True),
        ("Employees must submit the form before the", "Intro.", "deadline.", False),  # wrapped sentence
        ("excellence", "operational", None, False),  # lowercase tail of a sentence
        ("Contoso Electronics will provide regular training", "x.", "and education.", False),
        ("• Gym memberships", "Covered:", "• Yoga", False),  # bullets are content
        ("The plan pays 80%.", "x.", "Next", False),  # a sentence
        # After an unfinished line only a fully capitalised line counts (a heading after a table row).
        ("Out-of-Network Coverage", "services required for diagnosis", "Northwind Health", True),
        ("Health plan members", "services covered by the", "Northwind pays.", False),
        # Numbered headings may be in sentence case, and may follow a parent heading or a table row.
        ("4. Daily allowance (per diem)", "x.", "A daily allowance covers meals", True),
        ("6.1 Maternity leave", "6. Parental leave", "Employees who give birth", True),
        ("7. What cannot be claimed", "Above INR 2,00,000 Chief Financial Officer", "The company", True),
        ("30 Days of notice are needed", "x.", "Y", False),  # a figure, not a section number
        # Table rows, form fields and repeated cells are not headings.
        ("Above INR 2,00,000 Chief Financial Officer", "Up to INR 50,000 Line manager", "Z", False),
        ("Issue Date 01-04-2023", "Approver Managing Director", "Version 1.0", False),
        ("Policy No. CATALYST\\HR\\06", None, "Policy Owner", False),
        ("Not Applicable Not Applicable", "x.", "GENERAL REGULATIONS:", False),
        ("Applicable Not Applicable", "Not", "Applicable Not Applicable", False),  # cells again
        ("Approve/Reject.”", "steps: “Log in and open the task", "Next", False),  # a quoted sentence end
        ("Purpose /", "• See the link", "Encashment", False),  # continues on the next line
        # A legend defines abbreviations; it heads nothing.
        ("CO - Compensatory Off WL - Wedding Leave", "PL - Paternity Leave", "BL - Birthday Leave", False),
    ],
)
def test_is_heading(line: str, prev: str | None, nxt: str | None, expected: bool) -> None:
    assert is_heading(line, prev, nxt) is expected


def test_a_run_of_heading_like_lines_is_a_form_not_headings() -> None:
    lines = [
        "06 Employee Leave Policy",
        "",
        "Policy Owner Chief Human Resources Officer",
        "Function HR & Admin",
    ]
    lines += ["Approver Managing Director", "Objective:", "To familiarise the employees with the policy."]
    flags = [is_heading(ln, None, None) if ln else False for ln in lines]
    assert flags[2:5] == [True, True, True]  # each looks like a heading on its own
    kept = drop_form_runs(flags, lines)
    assert kept[:6] == [False, False, False, False, False, False]  # the cover form is one run
    assert drop_form_runs([True, False, True], ["Dental Care", "Two cleanings.", "Vision"]) == [
        True,
        False,
        True,
    ]


def test_a_title_its_form_restates_heads_the_form_and_the_fields_do_not() -> None:
    # A role description opens with its title, then a form whose "Job Title:" field restates it.
    lines = [
        "• Proficient in Microsoft Office Suite",
        "Director of Human Resources",
        "",
        "JOB TITLE: Director of Human Resources, Contoso Electronics",
        "JOB SUMMARY:",
        "The Director of Human Resources leads the HR team.",
    ]
    flags = [is_heading(ln, lines[i - 1] or None, None) if ln else False for i, ln in enumerate(lines)]
    assert [flags[1], flags[3], flags[4]] == [True, True, True]  # a run of three heading-like lines
    assert drop_form_runs(flags, lines) == [False, True, False, False, False, False]
    # A form that restates no title (a policy's cover form) stays a form.
    unrestated = ["Director of Human Resources", "JOB DESCRIPTION", "Position Summary:", "Leads the team."]
    assert drop_form_runs([True, True, True, False], unrestated) == [False, False, False, False]


def test_a_heading_printed_twice_stays_a_heading_not_a_form() -> None:
    # A booklet prints its chapter and topic, then both again: headings, not the fields of a form.
    lines = ["CARE MANAGEMENT", "Prior-Authorization", "CARE MANAGEMENT: Prior Authorization", "Some text."]
    assert drop_form_runs([True, True, True, False], lines) == [True, True, True, False]
    lines = ["Mastectomy", "Maternity Care", "COVERED SERVICES: Maternity Care", "Some text."]
    assert drop_form_runs([True, True, True, False], lines) == [True, True, True, False]
    # A cover form names each field once.
    form = [
        "Policy Owner Chief Human Resources Officer",
        "Function HR & Admin",
        "Approver Managing Director",
        "x.",
    ]
    assert drop_form_runs([True, True, True, False], form) == [False, False, False, False]


def test_table_rows_and_list_items_keep_their_own_lines() -> None:
    width_line = "This policy explains how to book travel and how to claim back the money you spend on it."
    page = "\n".join(
        [
            "Hotels",
            width_line,
            "City category Examples Hotel limit per night",
            "Tier 1 cities Mumbai, Delhi, Bengaluru INR 9,000",
            "Tier 2 cities Pune, Jaipur, Kochi INR 6,500",
        ]
    )
    [chunk] = split_document(_doc([page]))
    assert chunk.text.splitlines()[-2:] == [
        "Tier 1 cities Mumbai, Delhi, Bengaluru INR 9,000",
        "Tier 2 cities Pune, Jaipur, Kochi INR 6,500",
    ]
    wrapped = split_document(_doc(["Hotels\n" + width_line[:60] + "\n" + width_line[60:].strip()]))
    assert "\n" not in wrapped[0].text  # wrapped prose is joined back into one line


def _doc(pages: list[str], title: str = "Benefits Guide") -> ParsedDocument:
    return ParsedDocument(file="guide.pdf", content_hash="ab" * 32, title=title, pages=pages)


def test_chunks_stay_on_their_page_and_carry_the_section() -> None:
    doc = _doc(
        [
            "Dental Care\nThe plan covers two cleanings a year.\nFillings are covered at 80%.",
            "Vision Care\nOne eye exam a year is covered.",
        ]
    )
    chunks = split_document(doc)
    assert [(c.page, c.section) for c in chunks] == [(1, "Dental Care"), (2, "Vision Care")]
    assert chunks[0].text == "The plan covers two cleanings a year. Fillings are covered at 80%."
    assert chunks[0].chunk_id == f"{'ab' * 8}:1:0"
    assert all(c.title == "Benefits Guide" and c.file == "guide.pdf" for c in chunks)


def test_a_section_continues_onto_the_next_page() -> None:
    chunks = split_document(_doc(["Sick Leave\nTen days a year.", "Unused days lapse at year end."]))
    assert [(c.page, c.section) for c in chunks] == [(1, "Sick Leave"), (2, "Sick Leave")]


def test_generic_repeated_headings_become_subsections() -> None:
    pages = []
    for topic in ("Acupuncture", "Chiropractic Care", "Hearing Aids"):
        pages.append(f"{topic}\nThe plan covers {topic.lower()}.\nExceptions\nNot covered abroad.")
    chunks = split_document(_doc(pages))
    sections = {c.section for c in chunks}
    assert "Hearing Aids > Exceptions" in sections
    assert "Exceptions" not in sections


def test_long_sections_are_split_within_the_token_budget_with_overlap() -> None:
    sentences = [
        f"Rule number {i} says employees should file expense report {i} within thirty days."
        for i in range(40)
    ]
    chunks = split_document(_doc(["Expenses\n" + " ".join(sentences)]), max_tokens=60, overlap_tokens=20)
    assert len(chunks) > 5
    assert all(estimate_tokens(c.text) <= 60 for c in chunks)
    # The last sentence of one chunk opens the next one (overlap), and nothing is lost.
    first_tail = chunks[0].text.split(". ")[-1]
    assert chunks[1].text.startswith(first_tail.rstrip("."))
    joined = " ".join(c.text for c in chunks)
    assert all(s in joined for s in sentences)


def test_a_single_overlong_sentence_is_cut_into_windows() -> None:
    words = " ".join(f"word{i}" for i in range(400))
    chunks = split_document(_doc([words]), max_tokens=50, overlap_tokens=0)
    assert len(chunks) >= 8
    assert all(estimate_tokens(c.text) <= 50 for c in chunks)


def test_embedding_text_prefixes_title_and_section() -> None:
    chunk = split_document(_doc(["Dental Care\nTwo cleanings a year."]))[0]
    assert embedding_text(chunk) == "Benefits Guide > Dental Care\nTwo cleanings a year."


@pytest.mark.parametrize(
    ("text", "low", "high"),
    [("the plan covers it", 4, 4), ("reimbursement", 2, 3), ("$1,000.", 5, 6), ("", 0, 0)],
)
def test_estimate_tokens(text: str, low: int, high: int) -> None:
    assert low <= estimate_tokens(text) <= high
