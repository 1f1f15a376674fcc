"""Pure prompt building for policy answers: passages as delimited data, the answer and rewrite messages.

Passages are untrusted text from uploaded PDFs. They go to the model inside ``<passage>`` tags with the
citation marker as an attribute, and any text inside a passage that looks like one of those tags is
neutralised, so a document cannot close its own block and speak as the prompt.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from langchain_core.messages import BaseMessage, HumanMessage, SystemMessage

from backend.prompts import load_prompt
from backend.providers.control_tokens import neutralise_control_tokens
from backend.rag.answer.followup import last_user_question
from backend.rag.types import ScoredChunk

REFUSAL = "I don't know, the policies I have don't cover this."

# Roughly how many characters one token covers in English policy text (SmolLM2's and Claude's
# tokenizers both average ~4); kept conservative so the prompt never overflows the context.
CHARS_PER_TOKEN = 3
# Tokens used by the system prompt, the question template and chat-template markers.
PROMPT_OVERHEAD_TOKENS = 420
# Conversation shown to the rewriter: the last few messages, each cut to this many characters.
REWRITE_HISTORY_MESSAGES = 6
REWRITE_MESSAGE_CHARS = 400

_TAG_LIKE = re.compile(r"<\s*(/?)\s*(passages?)\b", re.IGNORECASE)
_SOURCES_LINE = re.compile(r"\n+\s*Sources?:.*$", re.IGNORECASE | re.DOTALL)
_LABEL = re.compile(
    r"^\s*(?:(?:standalone|rewritten|follow-up)\s+question|question|user|assistant)\s*[:\-]\s*", re.IGNORECASE
)


def citation_marker(file: str, page: int) -> str:
    return f"[{file}#page={page}]"


def neutralise_tags(text: str) -> str:
    """Make untrusted text inert: chat-template control tokens broken, ``<passage>``-like tags escaped.

    Passages (from uploaded PDFs), questions and conversation history all pass through here on their
    way into a prompt, so none of them can close a passage block or speak as a chat-template turn.
    """
    text = neutralise_control_tokens(text)
    return _TAG_LIKE.sub(lambda m: f"&lt;{m.group(1)}{m.group(2)}", text)


def format_passage(scored: ScoredChunk) -> str:
    """One passage as a delimited data block, with its citation marker and where it comes from."""
    chunk = scored.chunk
    where = chunk.title if not chunk.section else f"{chunk.title} > {chunk.section}"
    attribute = citation_marker(chunk.file, chunk.page).replace('"', "'")
    header = f'<passage cite="{attribute}">'
    return f"{header}\n{neutralise_tags(where)}\n{neutralise_tags(chunk.text.strip())}\n</passage>"


def select_context(sources: Sequence[ScoredChunk], max_chars: int) -> list[ScoredChunk]:
    """The best-ranked passages that fit in ``max_chars`` of formatted context (always at least one).

    The first passage is kept even when it alone is over budget (``format_context`` then truncates it):
    answering from part of the best passage beats refusing.
    """
    chosen: list[ScoredChunk] = []
    used = 0
    for scored in sources:
        size = len(format_passage(scored)) + 2
        if chosen and used + size > max_chars:
            break
        chosen.append(scored)
        used += size
    return chosen


def format_context(sources: Sequence[ScoredChunk], max_chars: int) -> str:
    """The passages as delimited blocks, separated by blank lines, cut to ``max_chars``."""
    blocks = [format_passage(s) for s in sources]
    text = "\n\n".join(blocks)
    if len(text) > max_chars and len(blocks) == 1:
        # Cut inside the passage but keep the closing tag, so the delimiting stays intact.
        closing = "\n</passage>"
        text = text[: max(0, max_chars - len(closing))].rstrip() + closing
    return text


def context_char_budget(context_tokens: int, max_new_tokens: int) -> int:
    """How many characters of passages fit in a model's context next to the prompt and the answer."""
    room = context_tokens - max_new_tokens - PROMPT_OVERHEAD_TOKENS
    return max(600, room * CHARS_PER_TOKEN)


def answer_messages(passages: str, question: str) -> list[BaseMessage]:
    """The grounded prompt: rules as the system message, the delimited passages and question as the user's."""
    system = load_prompt("rag_answer_system").format(refusal=REFUSAL)
    user = load_prompt("rag_answer_user").format(
        passages=passages, question=neutralise_tags(question.strip())
    )
    return [SystemMessage(system), HumanMessage(user)]


def history_text(history: Sequence[BaseMessage]) -> str:
    """The recent conversation as ``User:``/``Assistant:`` lines for the rewriter.

    Answers lose their appended ``Sources:`` line (noise for the rewriter) and every message is cut, so a
    long conversation cannot crowd out the question on a small context.
    """
    lines: list[str] = []
    for message in list(history)[-REWRITE_HISTORY_MESSAGES:]:
        text = message.text.strip()
        if message.type == "ai":
            text = _SOURCES_LINE.sub("", text).strip()
        text = " ".join(text.split())
        if len(text) > REWRITE_MESSAGE_CHARS:
            text = text[:REWRITE_MESSAGE_CHARS].rstrip() + "…"
        if text:
            lines.append(f"{'Assistant' if message.type == 'ai' else 'User'}: {text}")
    return "\n".join(lines)


def rewrite_messages(question: str, history: Sequence[BaseMessage]) -> list[BaseMessage]:
    prompt = load_prompt("rag_rewrite").format(
        history=neutralise_tags(history_text(history)), question=neutralise_tags(question.strip())
    )
    return [HumanMessage(prompt)]


def clean_rewrite(raw: str, question: str, history: Sequence[BaseMessage]) -> str:
    """The standalone question from the rewriter's reply, or a deterministic fallback.

    Small models sometimes answer instead of rewriting, or ramble. The first non-empty line is taken,
    labels and quotes are stripped; an empty or run-away rewrite falls back to the previous user
    question followed by the follow-up, which still retrieves the right topic.
    """
    question = question.strip()
    previous = last_user_question(history)
    fallback = f"{previous} {question}".strip() if previous else question
    line = next((ln.strip() for ln in raw.splitlines() if ln.strip()), "")
    line = _LABEL.sub("", line).strip().strip("\"“”'`").strip()
    if not line or len(line) > max(300, 3 * len(fallback)):
        return fallback
    return line
