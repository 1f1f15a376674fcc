"""Course Q&A: questions about the e-learning course, answered from its documents with cited sources."""

import logging
import time

import streamlit as st

from backend.chat.conversation import Turn
from backend.kb.errors import CourseQaUnavailableError, KnowledgeBaseError
from backend.kb.transcript import CourseConversation
from backend.kb.translate import model_id_of_arn
from backend.kb.types import MAX_PROMPT_CHARS, AnswerStream, AskResponse, Citation, CourseQA
from backend.metering.figures import AnswerFigures, streamed_answer_figures
from backend.shutdown import until_stopped
from ui.answer_support import answer_footer, record_gap_signal
from ui.answer_view import markdown_safe
from ui.course_resources import course_qa
from ui.errors import report
from ui.metering_resources import price_table
from ui.operator_resources import record_usage
from ui.resources import settings
from ui.router import ensure_router

ensure_router()

CONVERSATION_KEY = "courseqa_conversation"
PAGE = "Course Q&A"


def show_turn(turn: Turn, citations: list[Citation]) -> None:
    if turn.is_error:
        st.error(turn.content, icon=":material/error:")
        return
    st.markdown(markdown_safe(turn.content))
    if citations:
        st.caption("Sources: " + " · ".join(c.label() for c in citations))
    if turn.role == "assistant" and turn.figures is not None:
        answer_footer(
            cfg,
            answer_id=turn.id,
            page=PAGE,
            question=conversation.transcript.question_for(turn),
            answer=turn.content,
            citations=[c.label() for c in citations],
            figures=turn.figures,
            refused=not citations,
            handoff=False,  # "Ask HR" is for HR's pages; course questions go to the gap report only
        )


def figures_of(stream: AnswerStream, started: float) -> AnswerFigures:
    """An offline extract calls no model ("0 tokens · $0"); RetrieveAndGenerate reports no token usage."""
    return streamed_answer_figures(
        price_table(cfg),
        model_id_of_arn(cfg.kb_model_arn),
        calls_model=stream.calls_model,
        started=started,
        ended=time.perf_counter(),
        first_token_at=stream.first_token_at,
    )


def settle(turn: Turn, response: AskResponse, stream: AnswerStream, started: float) -> None:
    """Once per answer: its figures, its usage record (a model call) and its gap signal (a refusal)."""
    turn.figures = figures_of(stream, started)
    if stream.calls_model:
        record_usage(cfg, PAGE, turn.figures)
    if response.unanswered:
        record_gap_signal(
            cfg,
            answer_id=turn.id,
            page=PAGE,
            signal="refused",
            question=conversation.transcript.question_for(turn),
            answer=response.answer,
            model=turn.figures.model_id or "",
        )


cfg = settings()
conversation: CourseConversation = st.session_state.setdefault(CONVERSATION_KEY, CourseConversation())

st.title("Course Q&A")
if cfg.provider == "bedrock":
    st.caption(
        f"Answers come from the course's Bedrock Knowledge Base ({cfg.course_knowledge_base_id or 'not set'})"
        f" through RetrieveAndGenerate, with up to {cfg.bedrock_kb_results} cited sources. Follow-up "
        "questions continue the same session. RetrieveAndGenerate reports no token counts, so each answer's "
        "figures give its model and time, with the tokens marked ≈0 and the cost as price unknown unless the "
        "model is free."
    )
else:
    st.caption(
        "Offline mode: answers quote the course notes shipped with the app (foundation models, RAG, "
        "prompt engineering, Amazon Bedrock) word for word, with the page each quote comes from."
    )

qa: CourseQA | None = None
try:
    qa = course_qa(cfg)
except CourseQaUnavailableError as exc:
    st.info(str(exc), icon=":material/info:")
except Exception as exc:  # one sentence; the page stays usable once the cause is fixed
    st.error(report(exc), icon=":material/error:")

if conversation.turns and st.button("New conversation", icon=":material/restart_alt:"):
    conversation.clear()
    st.rerun()

for turn_no, past in enumerate(conversation.turns):
    with st.chat_message(past.role):
        show_turn(past, conversation.citations.get(turn_no, []))

question = st.chat_input("Ask about the course", max_chars=MAX_PROMPT_CHARS, disabled=qa is None)
if question and qa is not None:
    request = conversation.ask(question)
    with st.chat_message("user"):
        st.markdown(markdown_safe(request.prompt))
    with st.chat_message("assistant"):
        started = time.perf_counter()
        try:
            stream = qa.ask_stream(request)
            placeholder = st.empty()
            placeholder.write_stream(conversation.record_reply(until_stopped(stream.tokens())))
            response = stream.result()
        except KnowledgeBaseError as exc:  # already one sentence; logged once, here
            logging.getLogger("workbench.pages").warning("Course Q&A failed", exc_info=exc)
            conversation.add_error(exc.message)
            st.error(exc.message, icon=":material/error:")
        except Exception as exc:  # one sentence; the conversation is kept
            message = report(exc, region=cfg.aws_region)
            conversation.add_error(message)
            st.error(message, icon=":material/error:")
        else:
            conversation.settle(response)
            settle(conversation.turns[-1], response, stream, started)
            placeholder.empty()
            show_turn(conversation.turns[-1], conversation.citations[len(conversation.turns) - 1])
