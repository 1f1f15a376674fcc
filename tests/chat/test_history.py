"""Per-user conversation history on both app-database engines: save, reopen, rename, delete, isolation."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from backend.appdb.conversations import ConversationRepository
from backend.appdb.store import AppStore
from backend.auth.identity import Identity
from backend.chat.conversation import Conversation
from backend.chat.history import UNTITLED, ConversationHistory, default_title
from backend.rag.answer.answerer import Answer
from backend.rag.answer.citations import Citation
from backend.rag.types import Chunk, ScoredChunk
from tests.appdb.conftest import store  # noqa: F401 (the two-engine fixture)

ANA = Identity("ana", "staff")
BO = Identity("bo", "staff")


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        self.now += timedelta(seconds=1)
        return self.now


def chat(*pairs: tuple[str, str]) -> Conversation:
    c = Conversation()
    for question, reply in pairs:
        c.add_user(question)
        c.add_assistant(reply)
    return c


def test_a_saved_conversation_reopens_exactly(store: AppStore) -> None:  # noqa: F811
    history = ConversationHistory(ConversationRepository(store), Clock())
    convo = chat(("How many leave days?", "18 [leave.pdf#page=2]"))
    convo.add_error("Amazon Bedrock is throttling requests right now.")
    cid = history.save(ANA, "chat", None, convo)
    assert cid is not None
    reopened = history.open(ANA, cid)
    assert reopened is not None
    assert reopened.to_dict() == convo.to_dict()
    [summary] = history.list(ANA, "chat")
    assert (summary.id, summary.title, summary.message_count) == (cid, "How many leave days?", 3)


def test_an_hr_answer_payload_survives_the_round_trip(store: AppStore) -> None:  # noqa: F811
    history = ConversationHistory(ConversationRepository(store), Clock())
    chunk = Chunk(
        chunk_id="c1",
        file="leave.pdf",
        page=2,
        title="Leave",
        section="2. Pets",
        text="No pets at the office.",
        content_hash="0" * 64,
    )
    answer = Answer(
        text="No [leave.pdf#page=2].",
        sources=[ScoredChunk(chunk, score=0.7)],
        refused=False,
        standalone_question="Can I bring my cat to the office?",
        citations=[Citation("leave.pdf", 2)],
    )
    convo = Conversation()
    convo.add_user("Can I bring my cat?")
    convo.add_assistant(answer.text, answer)
    cid = history.save(ANA, "hrqa", None, convo)
    reopened = history.open(ANA, cid or "")
    assert reopened is not None
    assert reopened.turns[1].answer == answer
    assert history.list(ANA, "chat") == []


def test_saving_again_updates_in_place_and_keeps_a_rename(store: AppStore) -> None:  # noqa: F811
    history = ConversationHistory(ConversationRepository(store), Clock())
    convo = chat(("first question", "first reply"))
    cid = history.save(ANA, "chat", None, convo)
    assert cid is not None
    assert history.rename(ANA, cid, "Leave questions") is True
    convo.add_user("second question")
    assert history.save(ANA, "chat", cid, convo) == cid
    [summary] = history.list(ANA, "chat")
    assert (summary.title, summary.message_count) == ("Leave questions", 3)
    assert summary.updated_at > summary.created_at
    assert history.rename(ANA, cid, "   ") is False


def test_an_empty_conversation_is_not_saved(store: AppStore) -> None:  # noqa: F811
    history = ConversationHistory(ConversationRepository(store), Clock())
    assert history.save(ANA, "chat", None, Conversation()) is None
    assert history.list(ANA, "chat") == []


def test_one_user_cannot_list_open_rename_or_delete_anothers(store: AppStore) -> None:  # noqa: F811
    history = ConversationHistory(ConversationRepository(store), Clock())
    cid = history.save(ANA, "chat", None, chat(("ana's secret question", "reply")))
    assert cid is not None
    assert history.list(BO, "chat") == []
    assert history.open(BO, cid) is None
    assert history.rename(BO, cid, "mine") is False
    assert history.delete(BO, cid) is False
    # Saving under bo with ana's id creates bo's own conversation; ana's is untouched.
    bo_id = history.save(BO, "chat", cid, chat(("bo's question", "reply")))
    ana_copy = history.open(ANA, cid)
    assert ana_copy is not None
    assert ana_copy.turns[0].content == "ana's secret question"
    assert [s.title for s in history.list(BO, "chat")] == ["bo's question"]
    assert history.delete(ANA, cid) is True
    assert history.open(BO, bo_id or "") is not None


def test_default_title() -> None:
    assert default_title(Conversation()) == UNTITLED
    assert default_title(chat(("  How many\\ndays?  ", "x"))) == "How many\\ndays?"
