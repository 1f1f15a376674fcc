"""Retrieval evaluation: page recall@k, MRR, refusal of unanswerable questions, latency, threshold sweep.

A question "finds" a cited page when any of its top-k sources is that (file, page). Recall is counted
over cited pages (micro average), the way the course baseline's 0.31 was measured; the share of
answerable questions with at least one cited page found is reported too.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Sequence
from dataclasses import dataclass

from backend.rag.evaluate.dataset import EvalQuestion
from backend.rag.types import PolicyRetriever

SWEEP = tuple(round(0.05 * i, 2) for i in range(2, 15))  # 0.10 .. 0.70
MAX_FALSE_REFUSAL = 0.05  # at most this share of answerable questions may be refused by the threshold


@dataclass(frozen=True)
class QuestionResult:
    question: EvalQuestion
    retrieved: tuple[tuple[str, int], ...]  # (file, page) of each source, best first
    top_score: float
    seconds: float

    @property
    def found(self) -> set[tuple[str, int]]:
        return set(self.retrieved) & self.question.cited

    @property
    def reciprocal_rank(self) -> float:
        for rank, page in enumerate(self.retrieved, start=1):
            if page in self.question.cited:
                return 1.0 / rank
        return 0.0


@dataclass(frozen=True)
class Summary:
    k: int
    questions: int
    answerable: int
    unanswerable: int
    page_recall: float  # found cited pages / cited pages
    question_hit_rate: float  # answerable questions with >= 1 cited page found
    mrr: float
    refusal_rate_unanswerable: float  # at the given threshold
    false_refusal_rate: float  # answerable questions refused at the threshold
    threshold: float
    latency_median_ms: float
    latency_p95_ms: float


def run(retriever: PolicyRetriever, questions: Sequence[EvalQuestion], k: int) -> list[QuestionResult]:
    results = []
    for q in questions:
        start = time.perf_counter()
        sources = retriever.search(q.question, k)
        seconds = time.perf_counter() - start
        results.append(
            QuestionResult(
                q,
                tuple((s.chunk.file, s.chunk.page) for s in sources),
                max((s.score for s in sources), default=0.0),
                seconds,
            )
        )
    return results


def _percentile(values: Sequence[float], share: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def refusal_rates(results: Sequence[QuestionResult], threshold: float) -> tuple[float, float]:
    """(share of unanswerable refused, share of answerable refused) when refusing below ``threshold``."""
    unanswerable = [r for r in results if not r.question.answerable]
    answerable = [r for r in results if r.question.answerable]
    refused_u = (
        sum(r.top_score < threshold for r in unanswerable) / len(unanswerable) if unanswerable else 0.0
    )
    refused_a = sum(r.top_score < threshold for r in answerable) / len(answerable) if answerable else 0.0
    return refused_u, refused_a


def summarize(results: Sequence[QuestionResult], k: int, threshold: float) -> Summary:
    answerable = [r for r in results if r.question.answerable and r.question.cited]
    cited = sum(len(r.question.cited) for r in answerable)
    found = sum(len(r.found) for r in answerable)
    latencies = [r.seconds * 1000 for r in results]
    refused_u, refused_a = refusal_rates(results, threshold)
    return Summary(
        k=k,
        questions=len(results),
        answerable=len(answerable),
        unanswerable=sum(1 for r in results if not r.question.answerable),
        page_recall=found / cited if cited else 0.0,
        question_hit_rate=sum(1 for r in answerable if r.found) / len(answerable) if answerable else 0.0,
        mrr=sum(r.reciprocal_rank for r in answerable) / len(answerable) if answerable else 0.0,
        refusal_rate_unanswerable=refused_u,
        false_refusal_rate=refused_a,
        threshold=threshold,
        latency_median_ms=statistics.median(latencies) if latencies else 0.0,
        latency_p95_ms=_percentile(latencies, 0.95),
    )


def sweep(
    results: Sequence[QuestionResult], thresholds: Sequence[float] = SWEEP
) -> list[tuple[float, float, float]]:
    """(threshold, unanswerable refused, answerable refused) for each candidate threshold."""
    return [(t, *refusal_rates(results, t)) for t in thresholds]


def best_threshold(
    results: Sequence[QuestionResult],
    thresholds: Sequence[float] = SWEEP,
    *,
    max_false_refusal: float = MAX_FALSE_REFUSAL,
) -> float:
    """The highest threshold that wrongly refuses at most ``max_false_refusal`` of answerable questions.

    Refusing a real question is worse for users than passing an off-topic one to the answering model,
    which is itself told to refuse when the passages do not answer; so the threshold only removes what
    is clearly unrelated, and balanced accuracy alone (which trades many wrong refusals for a few right
    ones) is not the target.
    """
    best = min(thresholds)
    for t, _, refused_answerable in sweep(results, sorted(thresholds)):
        if refused_answerable <= max_false_refusal + 1e-9:
            best = t
        else:
            break
    return best


def format_report(summary: Summary, rows: Sequence[tuple[float, float, float]], suggested: float) -> str:
    lines = [
        f"questions: {summary.questions} ({summary.answerable} answerable, "
        f"{summary.unanswerable} unanswerable), k={summary.k}",
        f"page recall@{summary.k}: {summary.page_recall:.3f}   (answerable questions with a cited page "
        f"found: {summary.question_hit_rate:.3f})",
        f"MRR@{summary.k}: {summary.mrr:.3f}",
        f"refusal at threshold {summary.threshold:.2f}: {summary.refusal_rate_unanswerable:.3f} of "
        f"unanswerable refused, {summary.false_refusal_rate:.3f} of answerable wrongly refused",
        f"retrieval latency: median {summary.latency_median_ms:.1f} ms, p95 {summary.latency_p95_ms:.1f} ms",
        "",
        "threshold sweep (refuse when the top score is below the threshold):",
        "  threshold  unanswerable_refused  answerable_refused  balanced_accuracy",
    ]
    for t, refused_u, refused_a in rows:
        marker = "  <- suggested" if abs(t - suggested) < 1e-9 else ""
        balanced = (refused_u + 1 - refused_a) / 2
        lines.append(f"  {t:9.2f}  {refused_u:20.3f}  {refused_a:18.3f}  {balanced:17.3f}{marker}")
    return "\n".join(lines)
