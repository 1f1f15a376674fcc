"""How a policy answer is shown: the text, any warning, how it was made, and the passages behind it."""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from backend.rag.answer.answerer import Answer

PageLookup = Callable[[str, int], bytes | None]  # (file, page) -> a one-page PDF, or None if gone
VersionNote = Callable[[str], str]  # file -> "version 3 · effective from 2027-01-01", or ""


def markdown_safe(text: str) -> str:
    # Streamlit renders $...$ as LaTeX; policy amounts ("$1,000") must stay plain text.
    return text.replace("$", "\\$")


def answer_caption(answer: Answer) -> str | None:
    """One line on how the answer was made, so nobody mistakes a quote for a summary (or vice versa)."""
    if answer.method == "extractive":
        return "Quoted word for word from the policies: every figure above is the policy's own."
    if answer.refused and not answer.sources:
        return "No passage in the policies scored above the relevance threshold, so no answer was generated."
    if answer.refused:
        return "The closest passages are listed under Sources; none of them answers the question."
    return None


def show_answer_details(
    answer: Answer, page_pdf: PageLookup, key: str, version_note: VersionNote | None = None
) -> None:
    """Everything under the answer text: warnings, the caption and the sources panel."""
    for warning in answer.warnings:
        st.warning(warning, icon=":material/warning:")
    caption = answer_caption(answer)
    if caption:
        st.caption(caption)
    if answer.sources:
        show_sources(answer, page_pdf, key, version_note)


def show_sources(
    answer: Answer, page_pdf: PageLookup, key: str, version_note: VersionNote | None = None
) -> None:
    cited = {(c.file, c.page) for c in answer.citations}
    with st.expander(f"Sources ({len(answer.sources)})", icon=":material/description:"):
        for n, source in enumerate(answer.sources):
            chunk = source.chunk
            mark = " · **cited**" if (chunk.file, chunk.page) in cited else ""
            note = version_note(chunk.file) if version_note else ""
            version = f" · {note}" if note else ""
            st.markdown(f"**{chunk.file}** · page {chunk.page}{version} · score {source.score:.2f}{mark}")
            if chunk.section:
                st.caption(chunk.section)
            st.text(chunk.text)
            if st.toggle(f"Show page {chunk.page} of {chunk.file}", key=f"{key}_page_{n}"):
                pdf = page_pdf(chunk.file, chunk.page)
                if pdf is None:
                    st.warning(f"{chunk.file} is no longer in the policy folders.")
                else:
                    st.pdf(pdf, height=520, key=f"{key}_pdf_{n}")
            st.divider()
