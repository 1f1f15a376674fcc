"""Table tests: the item a coverage question names, and whether a text mentions it."""

from __future__ import annotations

import pytest

from backend.rag.answer.asked_item import asked_item, item_mentioned


class Rarity:
    """Term statistics where the listed words are rare (high IDF) and every other word is common."""

    def __init__(self, rare: set[str]) -> None:
        self.rare = rare

    def idf(self, term: str) -> float | None:
        return 6.0 if term in self.rare else 1.0

    def query_terms(self, text: str) -> list[str]:
        from backend.rag.index.bm25 import tokenize

        return list(dict.fromkeys(tokenize(text)))


@pytest.mark.parametrize(
    ("question", "phrase", "alternatives"),
    [
        ("Does Health Plus cover a doula for my delivery?", "doula", ("a doula",)),
        ("Does PerksPlus cover pet insurance?", "pet insurance", ("pet insurance",)),
        ("Does Contoso offer pet insurance as an employee benefit?", "pet insurance", ("pet insurance",)),
        (
            "Is laser hair removal covered as part of gender care?",
            "laser hair removal",
            ("laser hair removal",),
        ),
        ("Are allergy shots covered under Health Plus?", "allergy shots", ("allergy shots",)),
        (
            "Does Health Plus cover IVF or other fertility treatment?",
            "IVF or other fertility treatment",
            ("IVF", "other fertility treatment"),
        ),
        (
            "Would the perk pay for scuba lessons or a snowboarding class?",
            "scuba lessons or a snowboarding class",
            ("scuba lessons", "a snowboarding class"),
        ),
        (
            "I'm joining a trial. Will Standard pay for my travel?",
            "travel",
            ("my travel",),
        ),  # the last sentence
        # Only words reach the refusal sentence: no link or emphasis from the question is echoed.
        ("Does it cover **bold** [x](http://example.com)?", "bold x", ("bold x",)),
    ],
)
def test_the_item_a_coverage_question_names(
    question: str, phrase: str, alternatives: tuple[str, ...]
) -> None:
    item = asked_item(question)
    assert item is not None
    assert item.phrase == phrase
    assert item.alternatives == alternatives


@pytest.mark.parametrize(
    "question",
    [
        "What's the in-network deductible if I cover my whole family?",  # not worded as a coverage question
        "How many days of earned leave do I get?",
        "jury duty leave at Catalyst",
        "Does Health Plus cover?",  # no item
    ],
)
def test_questions_not_worded_as_coverage_questions_name_no_item(question: str) -> None:
    assert asked_item(question) is None


RARE = Rarity({"pet", "doula", "chemo", "chemotherapy", "ivf", "fertility", "lasik"})


@pytest.mark.parametrize(
    ("question", "text", "mentioned"),
    [
        ("Does Health Plus cover a doula?", "Maternity care covers delivery and midwives.", False),
        ("Does Health Plus cover a doula?", "Doulas are not covered.", True),  # plural folded
        ("Is chemo covered?", "Chemotherapy is covered when medically necessary.", True),  # a prefix
        # the common half of a rare item is not a mention of it
        ("Does PerksPlus cover pet insurance?", "Workers' compensation insurance covers injuries.", False),
        ("Does PerksPlus cover pet insurance?", "Pet insurance is not a PerksPlus expense.", True),
        # one alternative mentioned is enough
        ("Does Health Plus cover IVF or other fertility treatment?", "Fertility treatment is covered.", True),
        ("Does Health Plus cover IVF?", "Fertility treatment is covered.", False),
        ("Does Standard cover LASIK?", "Vision exams are covered once a year.", False),
    ],
)
def test_whether_a_text_mentions_the_item(question: str, text: str, mentioned: bool) -> None:
    item = asked_item(question)
    assert item is not None
    assert item_mentioned(item, text, RARE) is mentioned
