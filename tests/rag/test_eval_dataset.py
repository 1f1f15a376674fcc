"""The HR policy evaluation set is well-formed and every citation is provably right.

Each answerable question carries a verbatim ``source_quote``; finding it on the cited page of the real PDF
(whitespace-normalised, case-insensitive) proves the page number. Each unanswerable question has a list of
terms checked absent from the documents it is about, so "not in the documents" is verified, not assumed.

Each answerable question also lists its required ``facts`` (each a list of acceptable regexes). Every fact
must be stated by the question's own reference answer and found on a cited page, so a fact can neither be
unreachable for a right answer nor missing from the document. ``split`` must match what
``eval/tools/assign_split.py`` assigns.
"""

from __future__ import annotations

import importlib.util
import json
import re
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.rag.eval_corpus import ALL_DOCS, CONTOSO, LEAVE, normalise, pdf_pages_or_skip

REPO_ROOT = Path(__file__).resolve().parents[2]
DATASET = REPO_ROOT / "eval" / "policy_questions.jsonl"

REQUIRED_KEYS = {"id", "question", "answerable", "citations", "answer", "source_quote", "facts", "split"}
SPLITS = {"dev", "test"}
MAX_FACTS = 3

# id -> (word the question must contain, documents searched (None = all), regexes that must not match).
# The word guards against renumbering: a stale id fails loudly instead of checking the wrong question.
ABSENT: dict[str, tuple[str, tuple[str, ...] | None, tuple[str, ...]]] = {
    "q029": ("notice period", ("catalyst_leave_policy.pdf",), (r"notice period", r"resign", r"\bnotice\b")),
    "q030": (
        "bereavement",
        ("catalyst_leave_policy.pdf",),
        (r"bereave", r"funeral", r"death", r"demise", r"compassionate"),
    ),
    "q036": (
        "work-from-home",
        ("catalyst_leave_policy.pdf",),
        (r"work(ing)? from home", r"\bwfh\b", r"remote", r"telework", r"hybrid"),
    ),
    "q042": ("tuition", None, (r"tuition", r"education assistance", r"degree program")),
    "q060": ("salary range", ("role_library.pdf",), (r"\$\s?\d", r"salary range", r"per annum", r"per year")),
    "q064": (
        "internet",
        ("physicswallah_leave_policy.pdf",),
        (r"internet", r"broadband", r"reimburs", r"allowance"),
    ),
    "q068": (
        "roll over",
        ("PerksPlus.pdf",),
        (r"roll\s?-?over", r"carr(y|ied) (over|forward)", r"unused", r"remaining balance"),
    ),
    "q075": ("pet insurance", None, (r"pet insurance", r"\bpets\b", r"veterinar")),
    "q081": ("vacation", CONTOSO, (r"vacation", r"paid time off", r"\bpto\b", r"annual leave", r"days off")),
    "q086": ("life insurance", None, (r"life insurance",)),
    "q087": ("401(k)", None, (r"401\s?\(?k", r"employer match", r"matching contribution")),
    "q088": ("stock options", None, (r"stock option", r"restricted stock", r"equity grant")),
    "q093": (
        "lasik",
        ("Northwind_Health_Plus_Benefits_Details.pdf",),
        (r"lasik", r"refractive", r"eye surgery", r"vision correction"),
    ),
    "q101": (
        "merit raise",
        ("employee_handbook.pdf",),
        (r"merit", r"\braises?\b", r"bonus", r"salary", r"increase"),
    ),
    "q106": ("park", None, (r"parking",)),
}


def _load_records() -> list[dict[str, Any]]:
    return [json.loads(line) for line in DATASET.read_text(encoding="utf-8").splitlines() if line.strip()]


@pytest.fixture(scope="module")
def records() -> list[dict[str, Any]]:
    return _load_records()


@pytest.fixture(scope="module")
def pdf_pages() -> Callable[[str], tuple[str, ...]]:
    """Normalised text of every page of a corpus PDF, extracted once per file."""
    return pdf_pages_or_skip()


def _answerable(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [record for record in records if record["answerable"]]


each_answerable_question = pytest.mark.parametrize(
    "record", _answerable(_load_records()), ids=lambda record: record["id"]
)


def _cited_pages(record: dict[str, Any], pdf_pages: Callable[[str], tuple[str, ...]]) -> list[str]:
    """Normalised text of every page the record cites."""
    return [pdf_pages(c["file"])[c["page"] - 1] for c in record["citations"]]


def test_every_line_is_a_json_object_with_the_documented_fields() -> None:
    for number, line in enumerate(DATASET.read_text(encoding="utf-8").splitlines(), start=1):
        assert line.strip(), f"line {number} is blank"
        record = json.loads(line)
        assert isinstance(record, dict), f"line {number} is not an object"
        assert set(record) == REQUIRED_KEYS, f"line {number} has keys {sorted(record)}"
        assert isinstance(record["answerable"], bool), f"line {number}: answerable must be a bool"
        assert isinstance(record["citations"], list), f"line {number}: citations must be a list"
        for key in ("id", "question", "answer", "source_quote"):
            assert isinstance(record[key], str), f"line {number}: {key} must be a string"
        assert isinstance(record["facts"], list), f"line {number}: facts must be a list"
        for fact in record["facts"]:
            assert isinstance(fact, list), f"line {number}: each fact must be a list of regexes"
            assert fact, f"line {number}: a fact has no regexes"
            assert all(isinstance(pattern, str) and pattern for pattern in fact), f"line {number}: {fact}"
        assert record["split"] in SPLITS, f"line {number}: split {record['split']!r}"
        assert record["question"].strip(), f"line {number}: empty question"
        assert record["answer"].strip(), f"line {number}: empty answer"


def test_ids_are_unique_and_well_formed(records: list[dict[str, Any]]) -> None:
    ids = [record["id"] for record in records]
    duplicates = [item for item, count in Counter(ids).items() if count > 1]
    assert not duplicates, f"duplicate ids: {duplicates}"
    assert all(re.fullmatch(r"q\d{3}", item) for item in ids), ids


def test_dataset_is_large_enough_and_has_unanswerable_questions(records: list[dict[str, Any]]) -> None:
    assert len(records) >= 60
    assert sum(not record["answerable"] for record in records) >= 10


def test_answerable_and_unanswerable_questions_are_shaped_consistently(records: list[dict[str, Any]]) -> None:
    for record in records:
        if record["answerable"]:
            assert record["citations"], f"{record['id']} is answerable but cites nothing"
            assert record["source_quote"].strip(), f"{record['id']} has no source_quote"
            for citation in record["citations"]:
                assert set(citation) == {"file", "page"}, f"{record['id']}: {citation}"
                assert isinstance(citation["page"], int), record["id"]
                assert citation["page"] >= 1, record["id"]
            pairs = [(c["file"], c["page"]) for c in record["citations"]]
            assert len(pairs) == len(set(pairs)), f"{record['id']} cites a page twice"
        else:
            assert record["citations"] == [], f"{record['id']} is unanswerable but has citations"


def test_every_document_is_covered_and_each_leave_policy_has_eight_questions(
    records: list[dict[str, Any]],
) -> None:
    per_document = Counter(
        name for record in _answerable(records) for name in {c["file"] for c in record["citations"]}
    )
    assert set(per_document) == set(ALL_DOCS), per_document
    for name in LEAVE:
        assert per_document[name] >= 8, f"{name} has only {per_document[name]} questions"


def test_citations_name_real_pdfs_and_pages_in_range(
    records: list[dict[str, Any]], pdf_pages: Callable[[str], tuple[str, ...]]
) -> None:
    for record in _answerable(records):
        for citation in record["citations"]:
            page_count = len(pdf_pages(citation["file"]))
            assert 1 <= citation["page"] <= page_count, (
                f"{record['id']} cites page {citation['page']} of {citation['file']} ({page_count} pages)"
            )


@each_answerable_question
def test_source_quote_is_on_a_cited_page(
    record: dict[str, Any], pdf_pages: Callable[[str], tuple[str, ...]]
) -> None:
    quote = normalise(record["source_quote"])
    cited_pages = _cited_pages(record, pdf_pages)
    assert any(quote in page for page in cited_pages), (
        f"{record['id']}: {record['source_quote']!r} is not on {record['citations']}"
    )


def test_every_unanswerable_question_has_a_verified_absence_list(records: list[dict[str, Any]]) -> None:
    unanswerable = {record["id"] for record in records if not record["answerable"]}
    assert unanswerable == set(ABSENT), "each unanswerable question needs an entry in ABSENT (and vice versa)"


@pytest.mark.parametrize("question_id", sorted(ABSENT))
def test_unanswerable_topic_is_absent_from_the_documents(
    question_id: str, records: list[dict[str, Any]], pdf_pages: Callable[[str], tuple[str, ...]]
) -> None:
    topic, documents, patterns = ABSENT[question_id]
    record = next(record for record in records if record["id"] == question_id)
    assert not record["answerable"], f"{question_id} is marked answerable"
    assert topic.casefold() in record["question"].casefold(), f"{question_id} is not about {topic!r}"
    for name in documents or ALL_DOCS:
        for number, page in enumerate(pdf_pages(name), start=1):
            for pattern in patterns:
                match = re.search(pattern, page, flags=re.IGNORECASE)
                assert match is None, f"{question_id}: {pattern!r} occurs on {name} page {number}"


def _states(fact: list[str], text: str) -> bool:
    """A fact is stated when any of its regexes matches the whitespace-normalised text, ignoring case."""
    return any(re.search(pattern, text, flags=re.IGNORECASE) for pattern in fact)


def test_states_reads_a_fact_as_alternatives() -> None:
    fact = [r"\b(60|sixty)\s*(\(60\)\s*)?days", r"two months"]
    assert _states(fact, normalise("within Sixty (60)\n days of the event"))
    assert _states(fact, "within two months")
    assert not _states(fact, "within 600 days")
    assert not _states(fact, "within 6 days")


def test_every_fact_regex_compiles_and_cannot_match_empty_text(records: list[dict[str, Any]]) -> None:
    for record in records:
        for fact in record["facts"]:
            for pattern in fact:
                try:
                    compiled = re.compile(pattern, flags=re.IGNORECASE)
                except re.error as error:
                    pytest.fail(f"{record['id']}: {pattern!r} does not compile: {error}")
                # A pattern that matches "" matches every answer, so it would prove nothing.
                assert compiled.search("") is None, f"{record['id']}: {pattern!r} matches empty text"


def test_answerable_questions_have_one_to_three_facts_and_unanswerable_none(
    records: list[dict[str, Any]],
) -> None:
    for record in records:
        if record["answerable"]:
            assert 1 <= len(record["facts"]) <= MAX_FACTS, f"{record['id']} has {len(record['facts'])} facts"
        else:
            assert record["facts"] == [], f"{record['id']} is unanswerable but lists facts"


@each_answerable_question
def test_each_fact_is_in_the_reference_answer_and_on_a_cited_page(
    record: dict[str, Any], pdf_pages: Callable[[str], tuple[str, ...]]
) -> None:
    answer = normalise(record["answer"])
    cited_pages = _cited_pages(record, pdf_pages)
    for number, fact in enumerate(record["facts"], start=1):
        assert _states(fact, answer), f"{record['id']} fact {number} {fact} is not stated by its own answer"
        assert any(_states(fact, page) for page in cited_pages), (
            f"{record['id']} fact {number} {fact} is not on any cited page {record['citations']}"
        )


def test_both_splits_hold_answerable_and_unanswerable_questions(records: list[dict[str, Any]]) -> None:
    counts = Counter((record["split"], record["answerable"]) for record in records)
    for split in sorted(SPLITS):
        assert counts[split, True] > 0, f"{split} has no answerable question"
        assert counts[split, False] > 0, f"{split} has no unanswerable question"


def test_each_document_is_split_half_and_half(records: list[dict[str, Any]]) -> None:
    per_group: dict[tuple[str, bool], Counter[str]] = {}
    for record in records:
        first_file = record["citations"][0]["file"] if record["citations"] else ""
        per_group.setdefault((first_file, record["answerable"]), Counter())[record["split"]] += 1
    for group, counts in per_group.items():
        assert abs(counts["dev"] - counts["test"]) <= 1, f"{group}: {dict(counts)}"


def test_splits_are_the_ones_the_seeded_script_assigns(records: list[dict[str, Any]]) -> None:
    spec = importlib.util.spec_from_file_location(
        "assign_split", REPO_ROOT / "eval" / "tools" / "assign_split.py"
    )
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    expected = module.assign_splits(records)
    actual = {record["id"]: record["split"] for record in records}
    assert actual == expected, sorted(i for i in actual if actual[i] != expected[i])
