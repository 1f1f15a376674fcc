"""Retrieval metrics on hand-made results."""

from __future__ import annotations

import pytest

from backend.rag.evaluate.dataset import DatasetError, EvalQuestion, read_questions, restrict_to_files
from backend.rag.evaluate.retrieval import QuestionResult, best_threshold, summarize, sweep


def _result(
    cited: set[tuple[str, int]], retrieved: list[tuple[str, int]], score: float, ms: float = 10
) -> QuestionResult:
    q = EvalQuestion("q", bool(cited), frozenset(cited))
    return QuestionResult(q, tuple(retrieved), score, ms / 1000)


RESULTS = [
    _result({("a.pdf", 1), ("a.pdf", 2)}, [("a.pdf", 2), ("b.pdf", 1)], 0.8, 10),  # 1 of 2 pages, rank 1
    _result({("b.pdf", 3)}, [("a.pdf", 1), ("a.pdf", 1), ("b.pdf", 3)], 0.6, 20),  # found at rank 3
    _result({("c.pdf", 1)}, [("a.pdf", 1)], 0.45, 30),  # missed
    _result(set(), [("a.pdf", 1)], 0.3, 40),  # unanswerable
    _result(set(), [("b.pdf", 1)], 0.5, 50),  # unanswerable
]


def test_summary_metrics() -> None:
    s = summarize(RESULTS, k=5, threshold=0.4)
    assert s.page_recall == pytest.approx(2 / 4)  # micro over cited pages
    assert s.question_hit_rate == pytest.approx(2 / 3)
    assert s.mrr == pytest.approx((1 + 1 / 3 + 0) / 3)
    assert s.refusal_rate_unanswerable == pytest.approx(1 / 2)
    assert s.false_refusal_rate == 0.0
    assert s.latency_median_ms == pytest.approx(30)
    assert s.latency_p95_ms == pytest.approx(50)


def test_sweep_and_threshold_choice() -> None:
    rows = dict((t, (u, a)) for t, u, a in sweep(RESULTS, [0.2, 0.4, 0.5, 0.55]))
    assert rows[0.2] == (0.0, 0.0)
    assert rows[0.5] == (0.5, pytest.approx(1 / 3))
    # The highest threshold that refuses no more than 5% of answerable questions.
    assert best_threshold(RESULTS, [0.2, 0.4, 0.5, 0.55]) == 0.4
    assert best_threshold(RESULTS, [0.2, 0.4, 0.5, 0.55], max_false_refusal=0.34) == 0.55


def test_read_questions() -> None:
    lines = [
        '{"question": "How many days?", "answerable": true, "citations": [{"file": "a.pdf", "page": 3}]}',
        "",
        '{"question": "Stock options?", "answerable": false, "citations": []}',
    ]
    qs = read_questions(lines)
    assert [q.cited for q in qs] == [frozenset({("a.pdf", 3)}), frozenset()]
    assert [q.answerable for q in qs] == [True, False]
    with pytest.raises(DatasetError, match="line 1"):
        read_questions(['{"citations": []}'])


def test_restrict_to_files_keeps_unanswerable_and_fully_indexed_questions() -> None:
    qs = [
        EvalQuestion("a", True, frozenset({("a.pdf", 1)})),
        EvalQuestion("ab", True, frozenset({("a.pdf", 1), ("b.pdf", 2)})),
        EvalQuestion("none", False, frozenset()),
    ]
    assert [q.question for q in restrict_to_files(qs, {"a.pdf"})] == ["a", "none"]


def test_the_gate_sweep_counts_a_figure_refusal_under_every_gate() -> None:
    from backend.rag.answer.thresholds import RefusalGate
    from backend.rag.evaluate.answers import AnswerResult, gate_outcome

    def answered(answerable: bool, relevance: float, rule_refused: bool = False) -> AnswerResult:
        q = EvalQuestion("q", answerable, frozenset({("a.pdf", 1)}) if answerable else frozenset())
        return AnswerResult(
            q,
            "quoted text",
            (("a.pdf", 1),),
            rule_refused,
            (),
            0.1,
            0.1,
            relevance,
            1.0,
            rule_refused=rule_refused,
        )

    results = [answered(False, 0.9, rule_refused=True), answered(False, 0.9), answered(True, 0.9)]
    loose = gate_outcome(results, RefusalGate(0.3))
    strict = gate_outcome(results, RefusalGate(0.3, min_relevance=1.0))
    assert (loose.refusal_rate, loose.false_refusal_rate) == (0.5, 0.0)  # the figure rule alone
    assert (strict.refusal_rate, strict.false_refusal_rate) == (1.0, 1.0)


@pytest.mark.parametrize(
    ("refusal", "false_refusal", "expected"),
    [
        (0.9, 0.02, 0.0),  # meets both targets
        (0.7, 0.02, 0.1),  # refuses too little
        (0.9, 0.15, 0.1),  # wrongly refuses too much
        (0.7, 0.15, 0.2),  # both
    ],
)
def test_a_gates_shortfall_adds_what_it_misses_of_each_target(
    refusal: float, false_refusal: float, expected: float
) -> None:
    from backend.rag.answer.thresholds import RefusalGate
    from backend.rag.evaluate.answers import GateOutcome, shortfall

    assert shortfall(GateOutcome(RefusalGate(0.3), refusal, false_refusal, 0.5)) == pytest.approx(expected)


def test_the_gate_sweep_puts_the_gate_closest_to_both_targets_first() -> None:
    # A cap on false refusals alone would refuse at most 3 of the 5 unanswerable questions here.
    from backend.rag.evaluate.answers import AnswerResult, sweep_gates

    def answered(answerable: bool, relevance: float) -> AnswerResult:
        q = EvalQuestion("q", answerable, frozenset({("a.pdf", 1)}) if answerable else frozenset())
        return AnswerResult(q, "quoted text", (("a.pdf", 1),), False, (), 0.1, 0.1, relevance, 1.0)

    unanswerable = [answered(False, r) for r in (0.2, 0.3, 0.4, 0.5, 0.6)]
    answerable = [answered(True, r) for r in (0.45, 0.45, *[0.9] * 18)]  # two weak real answers of 20
    ranked = sweep_gates([*unanswerable, *answerable], 0.3)

    # Under the cap (gates up to 0.45) at most 3 of 5 are refused: shortfall 0.2. Above 0.6 all 5
    # are, and 2 of 20 real answers: shortfall 0.05.
    assert ranked[0].gate.min_relevance == pytest.approx(0.65)
    assert (ranked[0].refusal_rate, ranked[0].false_refusal_rate) == (1.0, 0.1)
    capped = [o for o in ranked if o.false_refusal_rate <= 0.05]
    assert max(o.refusal_rate for o in capped) == 0.6
