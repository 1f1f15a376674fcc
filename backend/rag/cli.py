"""Command line for the policy index: ``python -m backend.rag {ingest,search,ask,eval} ...``.

Settings are read once here (``load_settings``); ``--index`` overrides INDEX_DIR. Errors print one
sentence on stderr and exit non-zero; there are no tracebacks for expected failures.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from langchain_core.embeddings import Embeddings

from backend.rag.types import PolicyRetriever, ScoredChunk
from backend.settings import Settings, SettingsError, load_settings

if TYPE_CHECKING:
    from langchain_core.language_models.chat_models import BaseChatModel

    from backend.rag.answer.answerer import Answer, PolicyAnswerer

EXIT_OK, EXIT_ERROR, EXIT_USAGE = 0, 1, 2


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m backend.rag", description="HR policy index tools")
    sub = parser.add_subparsers(dest="command", required=True)

    ingest = sub.add_parser("ingest", help="index PDF files or folders (incremental)")
    ingest.add_argument("paths", nargs="+", type=Path, metavar="PATH")
    ingest.add_argument("--index", type=Path, help="index directory (default: INDEX_DIR)")
    ingest.add_argument(
        "--keep-missing",
        action="store_true",
        help="only add or update; keep indexed files that are not under PATH (default: remove them)",
    )
    ingest.add_argument("--workers", type=int, default=2, help="parser processes (default 2)")

    search = sub.add_parser("search", help="retrieve passages for a question")
    search.add_argument("question", nargs="?", metavar="QUESTION")
    search.add_argument("--index", type=Path)
    search.add_argument("--k", type=int, default=None, help="number of sources (default: RAG_TOP_K)")
    search.add_argument("--json", action="store_true", help="print JSON (one object per question)")
    search.add_argument("--questions", type=Path, help="JSONL file with a 'question' key per line")

    ask = sub.add_parser("ask", help="answer questions with citations, as the HR Q&A page does")
    ask.add_argument("question", nargs="?", metavar="QUESTION")
    ask.add_argument("--index", type=Path)
    ask.add_argument("--k", type=int, default=None)
    ask.add_argument("--json", action="store_true", help="print one JSON object per question")
    ask.add_argument("--questions", type=Path, help="JSONL file with a 'question' key per line")

    evaluate = sub.add_parser("eval", help="page recall@k, MRR, refusal rate, latency, threshold sweep")
    evaluate.add_argument("dataset", type=Path, metavar="DATASET.jsonl")
    evaluate.add_argument("--index", type=Path)
    evaluate.add_argument("--k", type=int, default=5)
    evaluate.add_argument("--threshold", type=float, default=None, help="refusal threshold (default: tuned)")
    evaluate.add_argument("--json", action="store_true", help="print the summary as JSON")
    evaluate.add_argument(
        "--split", choices=("dev", "test", "all"), default="all", help="questions of one split only"
    )
    evaluate.add_argument(
        "--retrieval-only", action="store_true", help="skip answering (retrieval metrics only)"
    )
    evaluate.add_argument("--details", type=Path, help="write every answer and its scores to this JSONL")
    evaluate.add_argument(
        "--sweep-gate",
        action="store_true",
        help="answer with only the retrieval threshold, then report the answer-gate thresholds that "
        "would refuse best (tune on --split dev)",
    )
    return parser


def _settings(args: argparse.Namespace) -> Settings:
    overrides: dict[str, Any] = {}
    if getattr(args, "index", None) is not None:
        overrides["index_dir"] = args.index
    return load_settings(**overrides)


class _LazyEmbeddings(Embeddings):
    """Builds the configured embedding model on first use: an unchanged re-ingest never needs it."""

    def __init__(self, settings: Settings) -> None:
        self._settings = settings
        self._model: Embeddings | None = None

    def _get(self) -> Embeddings:
        if self._model is None:
            from backend.providers import build_embeddings

            self._model = build_embeddings(self._settings)
        return self._model

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return self._get().embed_documents(texts)

    def embed_query(self, text: str) -> list[float]:
        return self._get().embed_query(text)


@dataclass
class Context:
    """What a command needs; tests inject fake models instead of the configured ones."""

    settings: Settings
    out: TextIO
    embeddings: Embeddings | None = None
    chat_model: BaseChatModel | None = None

    def get_embeddings(self) -> Embeddings:
        if self.embeddings is None:
            self.embeddings = _LazyEmbeddings(self.settings)
        return self.embeddings

    _retriever: PolicyRetriever | None = None

    def retriever(self) -> PolicyRetriever:
        if self._retriever is None:
            from backend.rag.retrieve.factory import build_retriever

            self._retriever = build_retriever(self.settings, self.get_embeddings())
        return self._retriever

    def answerer(self, k: int | None = None, *, permissive: bool = False) -> PolicyAnswerer:
        """The answerer the HR page uses; the chat model is built only when Bedrock answers.

        ``permissive`` keeps only the retrieval threshold, so every answer is given and its gate
        features recorded (for ``eval --sweep-gate``).
        """
        from backend.providers import InferenceParams, build_chat_model
        from backend.rag.answer.factory import build_answerer
        from backend.rag.answer.thresholds import gate_for

        settings = self.settings if k is None else self.settings.model_copy(update={"rag_top_k": k})
        chat_model = None
        if settings.provider != "local":
            chat_model = self.chat_model or build_chat_model(settings, InferenceParams(temperature=0.0))
        # The path's own retrieval gate, and no answer gate.
        gate = (
            dataclasses.replace(
                gate_for(settings), min_relevance=0.0, min_coverage=0.0, min_coverage_unknown_terms=0.0
            )
            if permissive
            else None
        )
        return build_answerer(
            settings, self.retriever(), self.get_embeddings(), chat_model=chat_model, gate=gate
        )


def source_json(result: ScoredChunk) -> dict[str, Any]:
    return {
        "file": result.chunk.file,
        "page": result.chunk.page,
        "score": round(result.score, 4),
        "text": result.chunk.text,
    }


# -- ingest -----------------------------------------------------------------------------------------
def cmd_ingest(args: argparse.Namespace, ctx: Context) -> int:
    settings = ctx.settings
    from backend.rag.index.store import IndexStore
    from backend.rag.ingest.ingestor import Ingestor

    started = time.perf_counter()
    ingestor = Ingestor(
        IndexStore(settings.index_dir),
        ctx.get_embeddings(),
        embedding_model=settings.embedding_model_id,
        workers=args.workers,
        limits=settings.parse_limits,
    )
    report = ingestor.add(args.paths) if args.keep_missing else ingestor.sync(args.paths)
    elapsed = time.perf_counter() - started
    if report.full_rebuild_reason:
        print(f"full rebuild: {report.full_rebuild_reason}", file=ctx.out)
    for o in report.outcomes:
        detail = (
            f"{o.pages} pages, {o.chunks} chunks" if o.status in {"added", "updated", "unchanged"} else ""
        )
        if o.status == "rejected":
            detail = o.reason
        print(f"{o.status:<9} {o.file}" + (f"  ({detail})" if detail else ""), file=ctx.out)
        for warning in o.warnings:
            print(f"          warning: {warning}", file=ctx.out)
    counts = ", ".join(
        f"{report.count(s)} {s}" for s in ("added", "updated", "unchanged", "removed", "rejected")
    )
    stages = ", ".join(f"{name} {seconds:.2f}" for name, seconds in report.seconds.items())
    print(
        f"totals: {counts}; index holds {report.total_files} files, {report.total_chunks} chunks",
        file=ctx.out,
    )
    print(f"seconds: {elapsed:.2f} total ({stages})", file=ctx.out)
    note = "" if report.written else " (unchanged, nothing written)"
    print(f"index: {settings.index_dir}{note}", file=ctx.out)
    return EXIT_ERROR if report.count("rejected") else EXIT_OK


# -- search -----------------------------------------------------------------------------------------
def _questions_from(path: Path) -> list[str]:
    questions = []
    with open(path, encoding="utf-8") as fh:
        for number, line in enumerate(fh, start=1):
            if not line.strip():
                continue
            try:
                questions.append(str(json.loads(line)["question"]))
            except (json.JSONDecodeError, KeyError, TypeError) as exc:
                raise ValueError(
                    f"{path} line {number}: expected a JSON object with a 'question' key"
                ) from exc
    return questions


def cmd_search(args: argparse.Namespace, ctx: Context) -> int:
    settings = ctx.settings
    if (args.question is None) == (args.questions is None):
        print("give either a QUESTION or --questions FILE.jsonl", file=sys.stderr)
        return EXIT_USAGE
    questions = _questions_from(args.questions) if args.questions else [args.question]
    k = args.k or settings.rag_top_k
    retriever = ctx.retriever()  # models load once for all questions
    for question in questions:
        results = retriever.search(question, k)
        if args.json:
            payload = {"question": question, "sources": [source_json(r) for r in results]}
            print(json.dumps(payload, ensure_ascii=False), file=ctx.out)
            continue
        print(f"Q: {question}", file=ctx.out)
        for rank, r in enumerate(results, start=1):
            snippet = " ".join(r.chunk.text.split())[:160]
            print(f"  {rank}. {r.chunk.file} p.{r.chunk.page}  score {r.score:.3f}  {snippet}", file=ctx.out)
    return EXIT_OK


# -- ask --------------------------------------------------------------------------------------------
def answer_json(question: str, answer: Answer, seconds: float) -> dict[str, Any]:
    return {
        "question": question,
        "answer": answer.text,
        "citations": [{"file": c.file, "page": c.page} for c in answer.citations],
        "refused": answer.refused,
        "seconds": round(seconds, 3),
    }


def cmd_ask(args: argparse.Namespace, ctx: Context) -> int:
    if (args.question is None) == (args.questions is None):
        print("give either a QUESTION or --questions FILE.jsonl", file=sys.stderr)
        return EXIT_USAGE
    questions = _questions_from(args.questions) if args.questions else [args.question]
    answerer = ctx.answerer(args.k)  # models load once for all questions
    for question in questions:
        started = time.perf_counter()
        answer = answerer.answer(question, [])
        seconds = time.perf_counter() - started
        if args.json:
            print(json.dumps(answer_json(question, answer, seconds), ensure_ascii=False), file=ctx.out)
            continue
        if len(questions) > 1:
            print(f"Q: {question}", file=ctx.out)
        print(answer.text, file=ctx.out)
        for warning in answer.warnings:
            print(f"warning: {warning}", file=ctx.out)
        if answer.sources:
            print("\nPassages the answer was drawn from:", file=ctx.out)
            for r in answer.sources:
                print(f"  - {r.chunk.file}, page {r.chunk.page} (score {r.score:.2f})", file=ctx.out)
        if len(questions) > 1:
            print(file=ctx.out)
    return EXIT_OK


# -- eval -------------------------------------------------------------------------------------------
def cmd_eval(args: argparse.Namespace, ctx: Context) -> int:
    settings = ctx.settings
    from dataclasses import asdict

    from backend.rag.answer.thresholds import min_score_for
    from backend.rag.evaluate import answers as answer_eval
    from backend.rag.evaluate import dataset
    from backend.rag.evaluate import retrieval as evaluate
    from backend.rag.index.store import IndexStore

    questions = dataset.in_split(dataset.load_questions(args.dataset), args.split)
    manifest = IndexStore(settings.index_dir).read_manifest()
    if manifest is not None:  # a Knowledge Base has no local manifest: evaluate every question
        indexed = {f.file for f in manifest.files}
        kept = dataset.restrict_to_files(questions, indexed)
        if len(kept) < len(questions):
            print(
                f"skipped {len(questions) - len(kept)} questions citing files that are not indexed",
                file=ctx.out,
            )
        questions = kept
    retriever = ctx.retriever()
    if questions:
        retriever.search(questions[0].question, args.k)  # warm-up: model load is not query latency
    results = evaluate.run(retriever, questions, args.k)
    threshold = args.threshold if args.threshold is not None else min_score_for(settings)
    summary = evaluate.summarize(results, args.k, threshold)
    rows = evaluate.sweep(results)
    suggested = evaluate.best_threshold(results)
    answers: list[answer_eval.AnswerResult] = []
    if not args.retrieval_only and questions:
        answerer = ctx.answerer(args.k, permissive=args.sweep_gate)
        answerer.answer(questions[0].question)  # warm-up, as above
        answers = [answer_eval.answer_one(q, answerer.stream) for q in questions]
    answer_summary = answer_eval.summarize_answers(answers) if answers else None
    if args.details is not None:
        with open(args.details, "w", encoding="utf-8") as fh:
            for a in answers:
                row = {
                    "id": a.question.id,
                    "question": a.question.question,
                    "answerable": a.question.answerable,
                    "answer": a.text,
                    "refused": a.refused,
                    "correct": a.correct,
                    "facts_stated": a.facts_stated,
                    "citation_match": a.citation_match,
                    "citations": [list(c) for c in a.citations],
                    "cited": sorted(list(c) for c in a.question.cited),
                    "unsupported": list(a.unsupported),
                }
                fh.write(json.dumps(row, ensure_ascii=False) + "\n")
    if args.json:
        payload: dict[str, Any] = {**asdict(summary), "suggested_threshold": suggested, "sweep": rows}
        payload["split"] = args.split
        if answer_summary is not None:
            payload["answers"] = asdict(answer_summary)
        print(json.dumps(payload), file=ctx.out)
    else:
        print(f"split: {args.split}", file=ctx.out)
        print(evaluate.format_report(summary, rows, suggested), file=ctx.out)
        print(f"\nsuggested threshold: {suggested:.2f} (in use: {threshold:.2f})", file=ctx.out)
        if answer_summary is not None:
            print("\n" + answer_eval.format_answer_report(answer_summary), file=ctx.out)
        if args.sweep_gate and answers:
            gates = answer_eval.sweep_gates(answers, min_score_for(settings))
            print("\n" + answer_eval.format_gate_sweep(gates), file=ctx.out)
    return EXIT_OK


COMMANDS = {"ingest": cmd_ingest, "search": cmd_search, "ask": cmd_ask, "eval": cmd_eval}


def main(
    argv: Sequence[str] | None = None,
    *,
    out: TextIO | None = None,
    embeddings: Embeddings | None = None,
    chat_model: BaseChatModel | None = None,
) -> int:
    args = _parser().parse_args(argv)
    try:
        ctx = Context(_settings(args), out or sys.stdout, embeddings, chat_model)
        return COMMANDS[args.command](args, ctx)
    except SettingsError as exc:
        print(str(exc), file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except Exception as exc:  # one sentence, never a traceback
        print(_error_sentence(exc), file=sys.stderr)
        return EXIT_ERROR


def _error_sentence(exc: BaseException) -> str:
    from backend.rag.evaluate.dataset import DatasetError
    from backend.rag.index.store import IndexFormatError, IndexNotFoundError

    if isinstance(exc, (IndexNotFoundError, IndexFormatError, DatasetError, ValueError, FileNotFoundError)):
        return str(exc)
    from backend.errors import user_message

    return user_message(exc)
