"""The CLI contract: ingest summary, search JSON (single and batch), ask, eval report."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from langchain_core.language_models.fake_chat_models import FakeListChatModel

from backend.rag.cli import main
from tests.rag.fakes import HashingEmbeddings, make_pdf


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "leave.pdf").write_bytes(
        make_pdf(
            [
                ["Contents", "Overview of this policy."],
                ["Annual Leave", "Employees earn twenty days of paid annual leave."],
            ]
        )
    )
    (docs / "gym.pdf").write_bytes(
        make_pdf([["Wellness", "The gym membership is reimbursed up to one thousand dollars."]])
    )
    (docs / "broken.pdf").write_bytes(b"%PDF-1.4 nothing else")
    return docs


def _run(*argv: str, **kwargs: object) -> tuple[int, str]:
    out = io.StringIO()
    code = main(list(argv), out=out, embeddings=HashingEmbeddings(), **kwargs)  # type: ignore[arg-type]
    return code, out.getvalue()


def test_ingest_prints_a_per_file_summary(corpus: Path, tmp_path: Path) -> None:
    code, text = _run("ingest", str(corpus), "--index", str(tmp_path / "idx"), "--workers", "1")
    assert code == 1  # a file was rejected
    assert "added     gym.pdf  (1 pages, 1 chunks)" in text
    assert (
        "rejected  broken.pdf  (the file is truncated (it stops before the PDF's end-of-file marker)" in text
    )
    assert "totals: 2 added, 0 updated, 0 unchanged, 0 removed, 1 rejected" in text
    assert "seconds:" in text
    assert "embed" in text
    (corpus / "broken.pdf").unlink()
    code, text = _run("ingest", str(corpus), "--index", str(tmp_path / "idx"))
    assert code == 0
    assert "2 unchanged" in text
    assert "nothing written" in text


def test_search_json_contract(corpus: Path, tmp_path: Path) -> None:
    _run("ingest", str(corpus), "--index", str(tmp_path / "idx"))
    code, text = _run(
        "search", "--index", str(tmp_path / "idx"), "--k", "2", "--json", "days of paid annual leave"
    )
    assert code == 0
    payload = json.loads(text)
    assert payload["question"] == "days of paid annual leave"
    assert len(payload["sources"]) == 2
    first = payload["sources"][0]
    assert set(first) == {"file", "page", "score", "text"}
    assert (first["file"], first["page"]) == ("leave.pdf", 2)  # 1-based page


def test_search_batch_prints_one_object_per_line(corpus: Path, tmp_path: Path) -> None:
    _run("ingest", str(corpus), "--index", str(tmp_path / "idx"))
    questions = tmp_path / "q.jsonl"
    questions.write_text('{"question": "gym membership"}\n\n{"question": "annual leave", "x": 1}\n')
    code, text = _run(
        "search", "--index", str(tmp_path / "idx"), "--k", "1", "--json", "--questions", str(questions)
    )
    lines = [json.loads(line) for line in text.splitlines()]
    assert code == 0
    assert [line["question"] for line in lines] == ["gym membership", "annual leave"]
    assert lines[0]["sources"][0]["file"] == "gym.pdf"


def test_search_without_index_fails_with_one_sentence(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _ = _run("search", "--index", str(tmp_path / "none"), "--json", "anything")
    assert code == 1
    err = capsys.readouterr().err
    assert "No policy index" in err
    assert "Traceback" not in err


def test_ask_prints_answer_and_sources(corpus: Path, tmp_path: Path) -> None:
    _run("ingest", str(corpus), "--index", str(tmp_path / "idx"))
    model = FakeListChatModel(responses=["You get twenty days of paid annual leave [leave.pdf, p. 2]."])
    code, text = _run(
        "ask",
        "--index",
        str(tmp_path / "idx"),
        "Annual leave: employees earn how many days of paid annual leave?",
        chat_model=model,
    )
    assert code == 0
    assert "twenty days" in text
    assert "leave.pdf, page 2" in text


def test_eval_reports_recall_refusal_latency_and_sweep(corpus: Path, tmp_path: Path) -> None:
    _run("ingest", str(corpus), "--index", str(tmp_path / "idx"))
    dataset = tmp_path / "eval.jsonl"
    dataset.write_text(
        "\n".join(
            json.dumps(q)
            for q in [
                {
                    "question": "gym membership reimbursed",
                    "answerable": True,
                    "citations": [{"file": "gym.pdf", "page": 1}],
                },
                {
                    "question": "paid annual leave days",
                    "answerable": True,
                    "citations": [{"file": "leave.pdf", "page": 2}],
                },
                {"question": "stock options vesting", "answerable": False, "citations": []},
            ]
        )
    )
    code, text = _run("eval", str(dataset), "--index", str(tmp_path / "idx"), "--k", "2")
    assert code == 0
    assert "page recall@2: 1.000" in text
    assert "MRR@2:" in text
    assert "retrieval latency: median" in text
    assert "threshold sweep" in text
    code, text = _run("eval", str(dataset), "--index", str(tmp_path / "idx"), "--k", "2", "--json")
    summary = json.loads(text)
    assert summary["page_recall"] == 1.0
    assert summary["unanswerable"] == 1
    assert len(summary["sweep"]) > 5


def test_ask_json_batch_prints_one_answer_object_per_question(corpus: Path, tmp_path: Path) -> None:
    _run("ingest", str(corpus), "--index", str(tmp_path / "idx"))
    questions = tmp_path / "q.jsonl"
    questions.write_text('{"question": "How many days of paid annual leave do employees earn?"}\n')
    code, text = _run("ask", "--index", str(tmp_path / "idx"), "--json", "--questions", str(questions))
    assert code == 0
    [line] = [json.loads(row) for row in text.splitlines()]
    assert set(line) == {"question", "answer", "citations", "refused", "seconds"}
    assert "twenty days of paid annual leave" in line["answer"]
    assert line["citations"] == [{"file": "leave.pdf", "page": 2}]
    assert line["refused"] is False
    assert line["seconds"] >= 0


def test_ask_needs_a_question_or_a_file(corpus: Path, tmp_path: Path) -> None:
    code, _ = _run("ask", "--index", str(tmp_path / "idx"))
    assert code == 2


def test_eval_scores_the_answers_people_read(corpus: Path, tmp_path: Path) -> None:
    _run("ingest", str(corpus), "--index", str(tmp_path / "idx"))
    rows = [
        {  # answered and right: the quote states "twenty days", on the cited page
            "question": "How many days of paid annual leave do employees earn?",
            "answerable": True,
            "split": "dev",
            "citations": [{"file": "leave.pdf", "page": 2}],
            "facts": [[r"\btwenty\s+days"]],
        },
        {  # answered from the right page, but the required fact is not in the quote
            "question": "How many days of paid annual leave do employees earn?",
            "answerable": True,
            "split": "dev",
            "citations": [{"file": "leave.pdf", "page": 2}],
            "facts": [[r"\bforty\s+days"]],
        },
        {"question": "stock options vesting", "answerable": False, "split": "test", "citations": []},
    ]
    dataset = tmp_path / "eval.jsonl"
    dataset.write_text("\n".join(json.dumps(r) for r in rows))

    code, text = _run("eval", str(dataset), "--index", str(tmp_path / "idx"), "--k", "2", "--json")
    answers = json.loads(text)["answers"]
    assert code == 0
    assert answers["answerable"] == 2
    assert answers["unanswerable"] == 1
    assert answers["fact_accuracy"] == 0.5
    assert answers["citation_match"] == 1.0
    assert answers["false_refusal_rate"] == 0.0
    assert answers["unsupported_numbers"] == 0
    assert answers["answer_median_s"] >= answers["first_token_median_s"] >= 0

    code, text = _run("eval", str(dataset), "--index", str(tmp_path / "idx"), "--split", "dev", "--json")
    assert json.loads(text)["answers"]["unanswerable"] == 0
    assert json.loads(text)["questions"] == 2


def test_ingest_applies_the_configured_parse_time_limit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    docs = tmp_path / "long"
    docs.mkdir()
    (docs / "long.pdf").write_bytes(
        make_pdf([[f"Section {n}. " + "Leave rules apply. " * 40] for n in range(40)])
    )

    code, text = _run("ingest", str(docs), "--index", str(tmp_path / "default"), "--workers", "1")
    assert code == 0
    assert "added     long.pdf  (40 pages" in text

    monkeypatch.setenv("MAX_PARSE_SECONDS", "0.001")
    code, text = _run("ingest", str(docs), "--index", str(tmp_path / "strict"), "--workers", "1")
    assert code == 1
    assert (
        "rejected  long.pdf  (reading its text took longer than the 0.001 s limit per file "
        "(MAX_PARSE_SECONDS), so it was stopped)"
    ) in text


def test_ingest_refuses_a_bad_parse_limit_with_one_sentence(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("MAX_PARSE_SECONDS", "0")
    code, text = _run("ingest", str(tmp_path), "--index", str(tmp_path / "idx"))
    assert code == 2
    assert text == ""
    assert capsys.readouterr().err == (
        "Invalid configuration: MAX_PARSE_SECONDS input should be greater than 0 (got '0').\n"
    )
