"""Banking assistant: the retail bank's agent answers account-status and FAQ questions, with its trace."""

import contextlib
import uuid

import streamlit as st

from backend.banking.agent import AgentTurn
from backend.banking.assistant import banking_mode, mode_caption, opening_message
from backend.banking.errors import banking_error_message
from backend.banking.trace import AgentReply
from backend.chat.conversation import Conversation
from backend.shutdown import until_stopped
from ui.banking_resources import account_store, banking_assistant
from ui.errors import report
from ui.resources import settings
from ui.router import ensure_router

ensure_router()

CONVERSATION_KEY = "bank_conversation"
SESSION_KEY = "bank_session_id"


def markdown_safe(text: str) -> str:
    return text.replace("$", "\\$")  # "$100" stays plain text, not LaTeX


def show_trace(reply: AgentReply) -> None:
    """The steps that ran, one collapsible step each (Streamlit does not nest expanders), then citations."""
    if reply.steps:
        st.caption(f"Trace: {len(reply.steps)} steps")
        for n, step in enumerate(reply.steps, start=1):
            with st.expander(f"Step {n} · {step.title}", icon=":material/account_tree:"):
                if step.detail:
                    st.code(step.detail, language="json" if step.detail.startswith("{") else None)
    if reply.citations:
        with st.expander(f"Citations ({len(reply.citations)})", icon=":material/description:"):
            for citation in reply.citations:
                st.markdown(f"**{citation.label()}**")
                if citation.excerpt:
                    st.text(citation.excerpt)


cfg = settings()
mode = banking_mode(cfg)
conversation: Conversation = st.session_state.setdefault(CONVERSATION_KEY, Conversation())
session_id: str = st.session_state.setdefault(SESSION_KEY, str(uuid.uuid4()))

st.title("Banking assistant")
st.caption(mode_caption(cfg))
if cfg.banking_store == "sqlite":
    account_store(cfg)  # the offline store is created and filled with the course's rows on first use
if st.button("New conversation", icon=":material/refresh:"):
    conversation.clear()
    st.session_state[SESSION_KEY] = session_id = str(uuid.uuid4())

if not conversation.turns:
    # The conversation starts by asking for the account ID.
    conversation.add_assistant(opening_message(mode), agent=AgentReply(mode, awaiting="accountId"))

for turn in conversation.turns:
    if not turn.content:
        continue
    with st.chat_message(turn.role):
        if turn.is_error:
            st.error(turn.content, icon=":material/error:")
        else:
            st.markdown(markdown_safe(turn.content))
            if turn.agent is not None:
                show_trace(turn.agent)

if question := st.chat_input("Ask about your new account, or a question for the bank"):
    last = conversation.last_agent_reply()
    awaiting = last is not None and last.awaiting == "accountId"
    conversation.add_user(question)
    with st.chat_message("user"):
        st.markdown(markdown_safe(question))
    with st.chat_message("assistant"):
        reply: AgentTurn | None = None
        try:
            reply = banking_assistant(cfg).ask(question, session_id, awaiting_account_id=awaiting)
            # Offline the reply comes in one piece (the first FAQ question also indexes the FAQ).
            with st.spinner("Looking it up…") if mode == "guided" else contextlib.nullcontext():
                st.write_stream(
                    markdown_safe(p) for p in conversation.record_reply(until_stopped(reply.pieces()))
                )
        except Exception as exc:  # one sentence; the conversation and any streamed part are kept
            attempts = reply.attempts if reply is not None else 1
            message = report(
                exc, sentence=lambda e: banking_error_message(e, region=cfg.aws_region, attempts=attempts)
            )
            conversation.add_error(message)
            st.error(message, icon=":material/error:")
        else:
            assert reply is not None
            conversation.attach_agent(reply.reply)
            show_trace(reply.reply)
