"""Pure post-processing of model output: the code block of a reply, and a summary cut to N lines."""

from __future__ import annotations

import re

_FENCE = re.compile(r"```[ \t]*([\w+#.-]*)[ \t]*\n(.*?)(?:\n?[ \t]*```|\Z)", re.DOTALL)
_BULLET = re.compile(r"^\s*(?:[-*•]|\d+[.)])\s+")


def extract_code(reply: str) -> str:
    """The code of a model reply: the longest fenced block, or the whole reply when there is no fence.

    Models wrap code in Markdown fences and often add a sentence before or after it; the saved file must
    hold only the code. An unterminated fence (the reply hit max_tokens) still yields its content.
    """
    blocks = [match.group(2) for match in _FENCE.finditer(reply)]
    code = max(blocks, key=len) if blocks else reply
    return code.strip("\n").rstrip() + "\n" if code.strip() else ""


def limit_lines(reply: str, lines: int) -> str:
    """At most ``lines`` non-empty lines, without list markers: the summariser's contract with the caller."""
    kept = [_BULLET.sub("", line).strip() for line in reply.splitlines()]
    return "\n".join([line for line in kept if line][:lines])


def word_count(text: str) -> int:
    return len(text.split())
