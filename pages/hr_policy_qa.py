"""HR Policy Q&A: answers from the company's policy PDFs, each citing the page it comes from."""

import time

import streamlit as st

from backend.chat.conversation import Conversation, Turn
from backend.documents.service import version_note
from backend.metering.figures import AnswerFigures, streamed_answer_figures
from backend.rag.answer.answerer import MAX_QUESTION_CHARS, Answer, AnswerStream
from backend.rag.answer.thresholds import RefusalGate
from backend.rag.index.store import IndexFormatError, IndexNotFoundError
from backend.shutdown import until_stopped
from ui.answer_support import answer_footer, hr_replies, record_gap_signal
from ui.answer_view import markdown_safe, show_answer_details
from ui.documents_resources import policy_documents
from ui.errors import report
from ui.history import history_sidebar, saved_answer
from ui.metering_resources import price_table
from ui.operator_resources import record_usage
from ui.rag_resources import policy_answerer, policy_library
from ui.resources import settings
from ui.router import ensure_router
from ui.sidebar import current_params

ensure_router()

CONVERSATION_KEY = "hrqa_conversation"
PAGE = "HR Policy Q&A"


def figures_of(stream: AnswerStream, started: float, model_id: str) -> AnswerFigures:
    """What the answer took: an extract or a refusal called no model ("0 tokens · $0")."""
    return streamed_answer_figures(
        price_table(cfg),
        model_id,
        calls_model=stream.calls_model,
        started=started,
        ended=time.perf_counter(),
        first_token_at=stream.first_token_at,
        input_tokens=stream.input_tokens,
        output_tokens=stream.output_tokens,
    )


def note_gap(turn: Turn, answer: Answer, question: str, gate: RefusalGate) -> None:
    """A refused or barely answered question goes on HR's knowledge-gap report (once, here)."""
    low = answer.method == "extractive" and gate.low_confidence(answer.relevance)
    if answer.refused or low:
        record_gap_signal(
            cfg,
            answer_id=turn.id,
            page=PAGE,
            signal="refused" if answer.refused else "low_confidence",
            question=question,
            answer=answer.text,
            citations=[c.marker for c in answer.citations],
            model=turn.figures.model_id or "" if turn.figures else "",
        )


def footer(turn: Turn, turn_no: int) -> None:
    assert turn.answer is not None
    show_answer_details(turn.answer, library.page_pdf, f"hrqa_{turn_no}", versions)
    answer_footer(
        cfg,
        answer_id=turn.id,
        page=PAGE,
        question=conversation.question_for(turn),
        answer=turn.content,
        citations=[c.marker for c in turn.answer.citations],
        figures=turn.figures,
        refused=turn.answer.refused,
    )


cfg = settings()
params = current_params()
library = policy_library(cfg)
conversation: Conversation = history_sidebar("hrqa", CONVERSATION_KEY)
documents = policy_documents(cfg)


def versions(file: str) -> str:
    return version_note(documents.info(file))


st.title("HR Policy Q&A")
st.caption(
    "Answers come only from the company's policy documents and cite the page they come from. "
    "When the documents don't cover a question, the assistant says so."
)
hr_replies(cfg)
if cfg.provider == "local":
    st.caption(
        "Offline mode: no language model writes these answers. Each answer quotes the policy sentences, "
        "list items or table rows that match your question, word for word, with the page they come "
        "from; read them as the policy's own words, not as advice."
    )

if library.needs_build():
    try:
        with st.spinner("Building the policy index from the policy documents (first start)…"):
            library.rebuild()
    except Exception as exc:  # one clear sentence; the page stays usable for uploads
        st.error(report(exc), icon=":material/error:")

stats = library.stats()
cols = st.columns(4)
cols[0].metric("Documents", stats.documents if stats else 0)
cols[1].metric("Pages", stats.pages if stats else 0)
cols[2].metric("Chunks", stats.chunks if stats else 0)
cols[3].metric("Last built", stats.built_at.astimezone().strftime("%b %d, %H:%M") if stats else "never")
if stats is None:
    st.info(
        "No policy documents are indexed yet: an admin adds them on the Policy documents page.",
        icon=":material/info:",
    )

for turn_no, turn in enumerate(conversation.turns):
    if not turn.content:
        continue  # a reply abandoned before its first token
    with st.chat_message(turn.role):
        if turn.is_error:
            st.error(turn.content, icon=":material/error:")
        else:
            st.markdown(markdown_safe(turn.content))
            if turn.answer is not None:
                footer(turn, turn_no)

if question := st.chat_input(
    "Ask about the company's policies", max_chars=MAX_QUESTION_CHARS, disabled=stats is None
):
    past = conversation.messages()
    conversation.add_user(question)
    with st.chat_message("user"):
        st.markdown(markdown_safe(question))
    with st.chat_message("assistant"), saved_answer("hrqa", CONVERSATION_KEY):
        message: str | None = None
        started = time.perf_counter()
        try:
            answerer = policy_answerer(cfg, params)
            stream = answerer.stream(question, past)
            placeholder = st.empty()
            pieces = conversation.record_reply(until_stopped(stream.tokens()))
            placeholder.write_stream(markdown_safe(t) for t in pieces)
            answer = stream.result()
        except (IndexNotFoundError, IndexFormatError):
            message = (
                "The policy index is missing or out of date: an admin can rebuild it on the Policy "
                "documents page."
            )
        except Exception as exc:  # one sentence; the conversation and any streamed part are kept
            message = report(exc, model_id=params.model_id, region=cfg.aws_region)
        if message is not None:
            conversation.add_error(message)
            st.error(message, icon=":material/error:")
        else:
            placeholder.markdown(markdown_safe(answer.text))  # final text: citations checked
            conversation.settle_reply(answer.text, answer)
            reply = conversation.turns[-1]
            reply.figures = figures_of(stream, started, params.model_id or cfg.chat_model_choices[0])
            if stream.calls_model:
                record_usage(cfg, PAGE, reply.figures)
            note_gap(reply, answer, question, answerer.gate)
            footer(reply, len(conversation.turns) - 1)
