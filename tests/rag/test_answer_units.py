"""Pure pieces of the trustworthy answer: units and rows, the number check, follow-ups, spelling."""

from __future__ import annotations

import pytest
from langchain_core.messages import AIMessage, HumanMessage

from backend.rag.answer.extractive import ScoredUnit, select_quotes
from backend.rag.answer.followup import contextual_question, needs_context
from backend.rag.answer.numbers import check_numbers, figures
from backend.rag.answer.units import Unit, row_label_value, split_row, units_of
from backend.rag.index.bm25 import BM25Index, edit_distance
from backend.rag.types import Chunk


def chunk(text: str) -> Chunk:
    return Chunk("c:1:0", "p.pdf", 1, "Policy", "Section", text, "0" * 64)


def test_units_tell_sentences_tables_and_list_items_apart() -> None:
    text = (
        "Earned leave depends on service. It accrues monthly:\n"
        "Completed years Earned leave per year\n"
        "Less than 2 years 18 days\n"
        "More than 5 years 24 days\n"
        "You may claim:\n"
        "• Gym memberships\n"
        "• Yoga classes"
    )
    units = units_of(chunk(text))
    assert [(u.kind, u.text) for u in units] == [
        ("sentence", "Earned leave depends on service."),
        ("sentence", "It accrues monthly:"),
        ("header", "Completed years Earned leave per year"),
        ("row", "Less than 2 years 18 days"),
        ("row", "More than 5 years 24 days"),
        ("sentence", "You may claim:"),
        ("item", "• Gym memberships"),
        ("item", "• Yoga classes"),
    ]
    assert units[3].context == "Completed years Earned leave per year"
    assert units[3].lead_in == "It accrues monthly:"
    assert units[6].lead_in == "You may claim:"
    assert units[6].rendered() == "Gym memberships"


def test_a_label_alone_on_its_line_heads_what_follows_and_is_never_quoted() -> None:
    # "Position Summary:" says nothing itself; "You may claim:" is a sentence that introduces a list.
    text = "Position Summary:\nThe manager leads the team.\nYou may claim:\n• Gym memberships"
    units = units_of(chunk(text))
    assert [(u.kind, u.text) for u in units] == [
        ("header", "Position Summary:"),
        ("sentence", "The manager leads the team."),
        ("sentence", "You may claim:"),
        ("item", "• Gym memberships"),
    ]


@pytest.mark.parametrize(
    ("row", "header", "expected"),
    [
        (
            "Tier 1 cities Mumbai, Delhi, Bengaluru INR 9,000",
            "City category Examples Hotel limit per night",
            "Tier 1 cities Mumbai, Delhi, Bengaluru: INR 9,000",
        ),
        # Two value columns named from the header; the "2 years" of the label stays in the label.
        (
            "Less than 2 years 18 days 1.5 days",
            "Completed years of service Earned leave per year Monthly accrual",
            "Less than 2 years: Earned leave per year 18 days; Monthly accrual 1.5 days",
        ),
        ("Study leave Up to 5 days", "Leave type Allowance", "Study leave: Up to 5 days"),
        (
            "International All countries USD 220",
            "City category Examples Hotel limit",
            "International All countries: USD 220",
        ),
        (
            "Domestic flights Economy class",
            "Journey Class allowed",
            "Domestic flights Economy class",
        ),  # no figure
        ("30 days", "Deadline", "30 days"),  # nothing left to label
    ],
)
def test_rows_read_as_label_and_value(row: str, header: str, expected: str) -> None:
    assert row_label_value(row, header) == expected


def test_split_row_takes_at_most_one_value_per_value_column() -> None:
    assert split_row("Less than 2 years 18 days 1.5 days", 3) == (
        "Less than 2 years",
        ["18 days", "1.5 days"],
    )
    assert split_row("Less than 2 years 18 days 1.5 days", 2) == ("Less than 2 years 18 days", ["1.5 days"])


@pytest.mark.parametrize(
    ("answer", "passages", "unsupported"),
    [
        ("Tier 1 hotels: INR 9,000 a night [t.pdf#page=2].", ["Tier 1 cities INR 9,000"], ()),
        ("You may spend 9000 rupees.", ["Tier 1 cities INR 9,000"], ()),  # reformatted, same amount
        ("You may spend INR 12,000.", ["Tier 1 cities INR 9,000"], ("12,000",)),  # invented
        (
            "Claims above 2,00,000 need the CFO.",
            ["Above INR 200,000 the CFO approves"],
            (),
        ),  # Indian grouping
        ("Use it within sixty days.", ["within Sixty (60) days"], ()),
        ("Use it within 60 days.", ["within sixty days"], ()),  # words in the policy, digits here
        ("Use it within ninety days.", ["within 60 days"], ("90",)),  # an invented spelled-out figure
        ("Up to eighteen visits a year.", ["Up to 12 visits a year"], ("18",)),
        ("Up to eighteen visits a year.", ["Up to 18 visits a year"], ()),
        (
            "1. Ask HR.\n2. File the form [h.pdf#page=7].",
            ["Ask HR and file the form."],
            (),
        ),  # numbering, marker
        ("6.1 Approval limits: see the table.", ["Approval limits"], ()),  # a section number
        ("The rate is 1.75 days a month.", ["1.75 days"], ()),
        ("The rate is 1.5 days a month.", ["1.75 days"], ("1.5",)),
    ],
)
def test_number_check(answer: str, passages: list[str], unsupported: tuple[str, ...]) -> None:
    assert check_numbers(answer, passages).unsupported == unsupported


def test_figures_ignore_citation_markers() -> None:
    assert figures("24 days [acme_leave_policy.pdf#page=1]") == {24.0: "24"}


@pytest.mark.parametrize(
    ("question", "needs"),
    [
        ("and after 5 years?", True),
        ("What about Tier 2?", True),
        ("for contractors?", True),
        ("Does that apply to interns as well?", True),
        ("How much is it?", True),
        ("How much can I spend on a hotel per night when travelling?", False),
        ("Is it possible to carry forward unused earned leave into the next year?", False),
        ("Is there a limit on client entertainment per person?", False),
        ("Does the policy that covers travel also cover my spouse's flights?", False),
        ("Does Northwind Health Plus cover glasses, and what is their yearly limit on frames?", False),
    ],
)
def test_needs_context(question: str, needs: bool) -> None:
    assert needs_context(question) is needs


def test_contextual_question_prefixes_the_last_user_question() -> None:
    history = [HumanMessage("How many days of earned leave?"), AIMessage("18 to 24.")]
    assert (
        contextual_question("and after 5 years?", history)
        == "How many days of earned leave? and after 5 years?"
    )
    assert contextual_question("and after 5 years?", []) == "and after 5 years?"


@pytest.mark.parametrize(
    ("a", "b", "distance"),
    [("maternity", "maternaty", 1), ("leave", "leaev", 1), ("dental", "dentle", 2), ("cat", "dog", 3)],
)
def test_edit_distance(a: str, b: str, distance: int) -> None:
    assert edit_distance(a, b, 3) == distance


def test_keyword_search_tolerates_misspellings_of_indexed_words() -> None:
    index = BM25Index.build(
        ["maternity leave is 26 weeks", "dental cover includes cleanings", "maternal health"]
    )
    assert index.correct("maternaty") == "maternity"
    assert index.correct("cleanigns") == "cleaning"  # plural-folded like the index
    assert index.correct("dog") == "dog"  # short words are never corrected
    assert index.correct("zebra") == "zebra"  # nothing close
    assert index.top("maternaty leave", 1)[0][0] == 0
    assert index.idf("maternity") is not None
    assert index.idf("zebra") is None


def test_the_correction_memo_stays_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    from backend.rag.index import bm25

    monkeypatch.setattr(bm25, "MAX_REMEMBERED_CORRECTIONS", 3)
    index = BM25Index.build(["maternity leave is 26 weeks"])
    for word in ("maternaty", "maternety", "matarnity", "maternityy", "mmaternity"):
        assert index.correct(word) == "maternity"
    assert len(index._corrections) <= 3


def _scored(units: list[Unit], scores: list[float]) -> list[ScoredUnit]:
    ranked = [ScoredUnit(u, s, s, 0.0) for u, s in zip(units, scores, strict=True)]
    return sorted(ranked, key=lambda s: -s.score)


def _page(page: int, text: str) -> Chunk:
    return Chunk(f"c:{page}:0", "p.pdf", page, "Policy", "Section", text, "0" * 64)


# Page 1: four sentences in two paragraphs; page 2: one sentence; page 3: one sentence.
_P1 = _page(1, "Appeals go to the plan. Write within 60 days.\nDecisions come within 30 days. Fax is fine.")
_P2 = _page(2, "Appeals go to the plan.")
_P3 = _page(3, "Urgent appeals take 72 hours.")


@pytest.mark.parametrize(
    ("scores", "budget", "margin", "max_pages", "expected"),
    [
        # The best unit first; the next best from the same page join in reading order, within budget.
        (
            {"Write within 60 days.": 1.0, "Decisions come within 30 days.": 0.9},
            120,
            0.35,
            3,
            [(1, ("Write within 60 days.", "Decisions come within 30 days."))],
        ),
        # A unit below the margin is left out.
        (
            {"Write within 60 days.": 1.0, "Decisions come within 30 days.": 0.5},
            120,
            0.35,
            3,
            [(1, ("Write within 60 days.",))],
        ),
        # The budget stops the quoting once reached (the first unit always goes in).
        (
            {"Write within 60 days.": 1.0, "Decisions come within 30 days.": 0.9},
            3,
            0.35,
            3,
            [(1, ("Write within 60 days.",))],
        ),
        # The same sentence on another page is quoted once.
        (
            {"Appeals go to the plan.": 1.0, "Urgent appeals take 72 hours.": 0.9},
            120,
            0.35,
            3,
            [(1, ("Appeals go to the plan.",)), (3, ("Urgent appeals take 72 hours.",))],
        ),
        # No more pages than max_pages.
        (
            {"Write within 60 days.": 1.0, "Urgent appeals take 72 hours.": 0.9},
            120,
            0.35,
            1,
            [(1, ("Write within 60 days.",))],
        ),
    ],
)
def test_select_quotes_takes_the_best_units_within_budget_margin_and_pages(
    scores: dict[str, float],
    budget: int,
    margin: float,
    max_pages: int,
    expected: list[tuple[int, tuple[str, ...]]],
) -> None:
    units = [u for c in (_P1, _P2, _P3) for u in units_of(c)]
    # Units not named score low (0.1), so only the named ones can be chosen; ties keep page order.
    ranked = _scored(units, [scores.get(u.text, 0.1) - 0.001 * u.chunk.page for u in units])
    quotes = select_quotes(ranked, None, word_budget=budget, margin=margin, max_pages=max_pages)
    assert [(q.page, q.lines) for q in quotes] == expected


def test_rows_of_two_tables_in_one_passage_are_quoted_under_their_own_lead_in() -> None:
    """Hotel and meal limits by city tier, one table each, in one passage: the meal rows must not read
    as more hotel limits under the hotel table's lead-in."""
    hotel = "Hotel stays are reimbursed up to these limits per night:"
    meals = "Meals up to these limits per day:"
    chunk = _page(
        3,
        f"{hotel}\nCity tier Hotel\nTier 1 INR 9,000\nTier 2 INR 6,000\n"
        f"{meals}\nCity tier Meals\nTier 1 INR 1,500\nTier 2 INR 1,000",
    )
    units = units_of(chunk)
    scores = {"Tier 1 INR 9,000": 1.0, "Tier 1 INR 1,500": 0.9}  # the hotel row, then the meal row
    quotes = select_quotes(_scored(units, [scores.get(u.text, 0.1) for u in units]), None)
    assert [(q.page, q.lines) for q in quotes] == [
        (3, (hotel, "Tier 1: INR 9,000", "Tier 2: INR 6,000")),
        (3, (meals, "Tier 1: INR 1,500", "Tier 2: INR 1,000")),
    ]


def test_a_sentence_inside_a_longer_quoted_unit_is_not_quoted_again() -> None:
    # Overlapping passages of one page: a list item in one, its last sentence standing alone in the next.
    item = _page(4, "• New staff take 1 day a month on probation. After it, 2 days a month.")
    overlap = Chunk("c:4:1", "p.pdf", 4, "Policy", "Section", "After it, 2 days a month.", "0" * 64)
    units = [*units_of(item), *units_of(overlap)]
    ranked = _scored(units, [1.0, 0.9])
    quotes = select_quotes(ranked, None)
    assert [q.lines for q in quotes] == [
        ("New staff take 1 day a month on probation. After it, 2 days a month.",)
    ]
