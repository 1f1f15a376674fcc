"""What answering may ask of the local index beyond search: term statistics and a passage's neighbours."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from backend.rag.index.bm25 import tokenize
from backend.rag.index.store import LoadedIndex
from backend.rag.retrieve.abbreviations import defined_abbreviations, write_out
from backend.rag.retrieve.clippings import Neighbourhoods
from backend.rag.retrieve.initialisms import document_initialisms, file_name_words, join_names, spell_out
from backend.rag.retrieve.owners import owned_files, owner_groups
from backend.rag.retrieve.synonyms import Synonyms, policy_phrases
from backend.rag.types import Chunk, embedding_text

MAX_TITLE_WORDS = 12  # a line this short is a heading, a title or a form field


def title_lines(chunks: Iterable[Chunk]) -> list[frozenset[str]]:
    """The terms of each short line (a heading, a title, a form field) and heading of ``chunks``, once
    each: where a role's title is written ("Senior Manager of Operations")."""
    lines = (ln for c in chunks for ln in [*c.text.splitlines(), *c.section.split(" > ")])
    return list(
        dict.fromkeys(frozenset(tokenize(ln)) for ln in lines if 0 < len(ln.split()) <= MAX_TITLE_WORDS)
    )


class Corpus:
    """A read-only view of one index generation (built once per generation, shared by sessions)."""

    def __init__(self, index: LoadedIndex, synonyms: Synonyms | None = None) -> None:
        self._bm25 = index.bm25
        self._synonyms = synonyms or Synonyms()
        self._by_page: dict[tuple[str, int], list[Chunk]] = defaultdict(list)
        terms: defaultdict[str, set[str]] = defaultdict(set)
        self._next: dict[str, Chunk] = {}
        previous: Chunk | None = None
        for chunk in index.chunks:  # chunks are stored in reading order, file by file
            self._by_page[(chunk.file, chunk.page)].append(chunk)
            terms[chunk.file].update(tokenize(embedding_text(chunk)))  # as keyword search reads it
            if previous is not None and previous.file == chunk.file:
                self._next[previous.chunk_id] = chunk
            previous = chunk
        self._terms = {file: frozenset(found) for file, found in terms.items()}
        self.titles = sorted({f.title or f.file for f in index.manifest.files})
        self._initialisms = document_initialisms(index.chunks)
        self._abbreviations = defined_abbreviations(index.chunks)
        # Only a name the text writes as one word: "PerksPlus" is joined, "Physics Wallah" is not.
        self._joined_names = frozenset(
            w for w in file_name_words(f.file for f in index.manifest.files) if self._bm25.idf(w) is not None
        )
        self._neighbourhoods = Neighbourhoods(c.text for c in index.chunks)
        self._title_lines = title_lines(index.chunks)
        self._owners = owner_groups(
            {f.file: f.title for f in index.manifest.files}, ((c.file, c.text) for c in index.chunks)
        )

    def title_lines(self) -> list[frozenset[str]]:
        """The terms of each short line of the documents: headings, titles and form fields."""
        return self._title_lines

    def idf(self, term: str) -> float | None:
        return self._bm25.idf(term)

    def query_terms(self, text: str) -> list[str]:
        return self._bm25.query_terms(text)

    def document_terms(self, file: str) -> frozenset[str]:
        """Every term of one document's text, headings and title."""
        return self._terms.get(file, frozenset())

    def page_chunks(self, file: str, page: int) -> list[Chunk]:
        return list(self._by_page.get((file, page), []))

    def next_chunk(self, chunk: Chunk) -> Chunk | None:
        return self._next.get(chunk.chunk_id)

    def spell_out(self, text: str) -> str:
        """``text`` with initials of a document's owner written out ("PW" → "Physics Wallah"), a name
        written as two words as its file name and text write it ("Perks Plus" → "PerksPlus"), a clipped
        word as the documents write it in full ("comp off" → "compensatory off"), and an abbreviation
        with the meaning the documents give it ("EL" → "Earned Leave (EL)")."""
        spelled = join_names(spell_out(text, self._initialisms), self._joined_names)
        spelled = write_out(spelled, self._abbreviations, self.owned_files(spelled))
        return self._neighbourhoods.expand(spelled)

    def synonyms(self, text: str) -> tuple[str, ...]:
        """The policies' words, from the synonym file, for what ``text`` says in others ("IVF" → "in
        vitro fertilization"), only those the index has."""
        return policy_phrases(text, self._synonyms, lambda term: self._bm25.idf(term) is not None)

    def owned_files(self, text: str) -> frozenset[str]:
        """The files of the owners ``text`` names ("at Catalyst", "contoso"); empty when it names none."""
        return owned_files(text, self._owners, self.query_terms)
