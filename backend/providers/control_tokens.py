"""Keep untrusted text from speaking as a chat template: control tokens made inert before a model sees them.

A policy PDF, an upload or a question may contain the literal text of a chat template's control tokens
(``<|im_start|>system``…). A model whose prompt is tokenised with special tokens enabled reads that text
as real turn markers, so a document could open its own system turn. Two defences, both here:

- ``neutralise_control_tokens(text)`` breaks every known marker with a zero-width space after its first
  character, so the text stays readable but no longer equals the marker. It covers the special tokens of
  the loaded local model (read from its GGUF vocabulary by ``vocab_special_tokens``), the common
  open-model chat templates, and the turn markers of Anthropic's hand-built text-completion format.
- ``backend.providers.local_llm`` tokenises message contents with ``special=False``, so even a marker that
  is not in any list cannot become a control token there.

Apply the neutraliser once, where untrusted text is put into a prompt (passages, questions, uploads).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache
from typing import Any

ZERO_WIDTH_SPACE = "\u200b"

# The markers of the chat templates open models ship with (ChatML, SmolLM2, Llama 2 and 3, Mistral,
# Gemma, Phi-3, DeepSeek), so a prompt is safe even before the local vocabulary is read.
TEMPLATE_TOKENS: frozenset[str] = frozenset(
    {
        # ChatML (SmolLM2, Qwen) and SmolLM2's other special tokens
        "<|im_start|>",
        "<|im_end|>",
        "<|endoftext|>",
        "<|im_sep|>",
        "<repo_name>",
        "<reponame>",
        "<file_sep>",
        "<filename>",
        "<gh_stars>",
        "<issue_start>",
        "<issue_comment>",
        "<issue_closed>",
        "<jupyter_start>",
        "<jupyter_text>",
        "<jupyter_code>",
        "<jupyter_output>",
        "<jupyter_script>",
        "<empty_output>",
        # Llama 3
        "<|begin_of_text|>",
        "<|end_of_text|>",
        "<|start_header_id|>",
        "<|end_header_id|>",
        "<|eot_id|>",
        "<|eom_id|>",
        "<|python_tag|>",
        # Llama 2, Mistral
        "<s>",
        "</s>",
        "[INST]",
        "[/INST]",
        "<<SYS>>",
        "<</SYS>>",
        # Gemma
        "<start_of_turn>",
        "<end_of_turn>",
        "<bos>",
        "<eos>",
        # Phi-3
        "<|system|>",
        "<|user|>",
        "<|assistant|>",
        "<|end|>",
        # DeepSeek
        "<｜begin▁of▁sentence｜>",
        "<｜end▁of▁sentence｜>",
    }
)

# Anthropic's text-completion format ("\n\nHuman: …\n\nAssistant:"), the one Bedrock prompt format that
# is built by hand; Converse takes roles as structure, but a prompt written for the old format must not
# let a passage open a turn either.
HAND_BUILT_MARKERS: frozenset[str] = frozenset({"\n\nHuman:", "\n\nAssistant:"})

# llama.cpp's token attributes (``enum llama_token_attr``): control and user-defined tokens are the
# ones a prompt tokenised with special=True turns into single special ids.
_ATTR_CONTROL = 1 << 3
_ATTR_USER_DEFINED = 1 << 4


def break_token(token: str) -> str:
    """``token`` with a zero-width space after its first character: the same to a reader, inert to a model."""
    return token[:1] + ZERO_WIDTH_SPACE + token[1:]


@lru_cache(maxsize=8)
def _pattern(tokens: frozenset[str]) -> re.Pattern[str]:
    # Longest first, so "<|im_start|>" is matched whole, never as a shorter token inside it.
    ordered = sorted((t for t in tokens if t), key=len, reverse=True)
    return re.compile("|".join(re.escape(t) for t in ordered))


def neutralise_control_tokens(text: str, extra_tokens: Iterable[str] = ()) -> str:
    """``text`` with every known control token and hand-built turn marker made inert.

    ``extra_tokens`` are more markers to break, such as a local model's ``vocab_special_tokens``.
    Applying it twice changes nothing more: a broken token no longer matches.
    """
    tokens = TEMPLATE_TOKENS | HAND_BUILT_MARKERS | frozenset(extra_tokens)
    return _pattern(tokens).sub(lambda m: break_token(m.group(0)), text)


def vocab_special_tokens(llama: Any) -> frozenset[str]:
    """The texts of a loaded llama.cpp model's control and user-defined tokens, from its GGUF vocabulary.

    Tokens made only of whitespace or punctuation shorter than 3 characters are left out: breaking every
    "\\n" would damage ordinary text, and such tokens do not open a turn.
    """
    model = llama._model
    found: set[str] = set()
    for token in range(llama.n_vocab()):
        if model.token_get_attr(token) & (_ATTR_CONTROL | _ATTR_USER_DEFINED):
            text = llama.detokenize([token], special=True).decode("utf-8", errors="ignore")
            if len(text.strip()) >= 3:
                found.add(text)
    return frozenset(found)
