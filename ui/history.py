"""The sidebar's past-conversation list (open, rename, delete) and saving, shared by the chatbot and the
HR Q&A. A page keeps its transcript in ``session_state[key]`` and the saved id in ``[key + "_id"]``."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import streamlit as st

from backend.appdb.conversations import ConversationKind, ConversationRepository
from backend.appdb.store import StoreError
from backend.auth.setup import utc_now
from backend.chat.conversation import Conversation
from backend.chat.history import ConversationHistory
from backend.shutdown import process_shutdown
from ui.auth import current_user
from ui.auth_resources import app_store
from ui.resources import resolve, settings

logger = logging.getLogger(__name__)
SHOWN = 30  # the newest conversations listed in the sidebar


def conversation_history() -> ConversationHistory:
    """Page tests inject one under ``conversation_history``."""

    def build() -> ConversationHistory:
        return ConversationHistory(ConversationRepository(app_store(settings())), utc_now)

    return resolve("conversation_history", build)


def _id_key(key: str) -> str:
    return f"{key}_id"


def start_new(key: str) -> None:
    st.session_state[key] = Conversation()
    st.session_state.pop(_id_key(key), None)


class AnswerSaving:
    """Saving around one answer: the question before it, and the transcript after it, however it ended.

    A SIGTERM mid-answer (or the user leaving) stops the script run, and Streamlit raises its
    StopException at the run's next Streamlit call, even a read of ``session_state``. So everything the
    save after the answer needs is resolved before it, and ``finish()`` calls only the backend: the
    question and the part of the answer already written are kept (``Conversation.record_reply``).
    """

    def __init__(self, kind: ConversationKind, key: str) -> None:
        self._kind, self._key = kind, key
        self._before = st.session_state.get(_id_key(key))
        self._conversation: Conversation = st.session_state[key]
        self._history = conversation_history()
        self._user = current_user()
        self._id: str | None = None
        self._id = self._store(st.warning)
        if self._id is not None:
            st.session_state[_id_key(key)] = self._id

    @property
    def created(self) -> bool:
        """True when this saved a new conversation (the page reruns so the sidebar lists it)."""
        return self._id is not None and self._id != self._before

    def finish(self) -> None:
        saved = self._store(lambda *_, **__: None)
        if saved is not None and saved != self._id:
            self._id = saved
            st.session_state[_id_key(self._key)] = saved

    def _store(self, warn: Callable[..., object]) -> str | None:
        try:
            return self._history.save(self._user, self._kind, self._id or self._before, self._conversation)
        except StoreError as exc:
            logger.warning("Saving the conversation failed: %s", exc)
            warn(str(exc), icon=":material/save:")
        except Exception:  # the conversation stays on screen; only saving failed
            logger.exception("Saving the conversation failed")
            warn("This conversation could not be saved; the details are in the app log.")
        return None


@contextmanager
def saved_answer(kind: ConversationKind, key: str) -> Iterator[None]:
    """Around a page's answer: the question saved before it and the transcript after it, inside work the
    server's shutdown waits for, so a SIGTERM mid-answer keeps the question and the part already
    written. The first save of a conversation then reruns the page, so the sidebar lists it."""
    with process_shutdown().work():
        saving = AnswerSaving(kind, key)
        try:
            yield
        finally:
            saving.finish()
    if saving.created:
        st.rerun()


def _open(key: str, conversation_id: str) -> None:
    opened = conversation_history().open(current_user(), conversation_id)
    if opened is not None:
        st.session_state[key] = opened
        st.session_state[_id_key(key)] = conversation_id


def _rename(key: str, conversation_id: str) -> None:
    title = st.session_state.get(f"rename_{conversation_id}", "")
    conversation_history().rename(current_user(), conversation_id, title)


def _delete(key: str, conversation_id: str) -> None:
    conversation_history().delete(current_user(), conversation_id)
    if st.session_state.get(_id_key(key)) == conversation_id:
        start_new(key)


def history_sidebar(kind: ConversationKind, key: str) -> Conversation:
    """Draw the signed-in user's past conversations of ``kind``; returns the page's current transcript."""
    conversation: Conversation = st.session_state.setdefault(key, Conversation())
    current = st.session_state.get(_id_key(key))
    try:
        summaries = conversation_history().list(current_user(), kind)
    except Exception:
        logger.exception("Listing saved conversations failed")
        summaries = []
    with st.sidebar:
        st.subheader("Past conversations")
        if not summaries:
            st.caption("Your conversations are saved here after the first answer.")
        for s in summaries[:SHOWN]:
            left, right = st.columns([5, 1], vertical_alignment="center")
            left.button(
                s.title,
                key=f"open_{s.id}",
                type="secondary" if s.id == current else "tertiary",
                width="stretch",
                help=f"Last updated {s.updated_at.astimezone():%Y-%m-%d %H:%M}",
                on_click=_open,
                args=(key, s.id),
            )
            with right.popover("", icon=":material/more_vert:"):
                st.text_input("Rename to", value=s.title, key=f"rename_{s.id}", max_chars=80)
                st.button("Rename", key=f"do_rename_{s.id}", on_click=_rename, args=(key, s.id))
                st.button(
                    "Delete",
                    key=f"delete_{s.id}",
                    icon=":material/delete:",
                    on_click=_delete,
                    args=(key, s.id),
                )
    return conversation
