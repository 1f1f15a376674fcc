"""Test doubles for the retrieval tests: PDFs built with pypdf, and a deterministic fake embedding."""

from __future__ import annotations

import io
import re
import zlib
from collections.abc import Sequence

import numpy as np
from langchain_core.embeddings import Embeddings
from pypdf import PdfWriter
from pypdf.generic import (
    DecodedStreamObject,
    DictionaryObject,
    NameObject,
    NumberObject,
)

IMAGE_PAGE = object()  # marker: a page that only holds a picture (no text layer)


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def _text_stream(lines: Sequence[str]) -> bytes:
    ops = ["BT", "/F1 11 Tf", "14 TL", "72 760 Td"]
    for line in lines:
        ops.append(f"({_escape(line)}) Tj T*")
    ops.append("ET")
    return "\n".join(ops).encode("latin-1")


def _image_xobject(writer: PdfWriter) -> object:
    image = DecodedStreamObject()
    image.set_data(bytes([0, 128, 255, 64]))
    image.update(
        {
            NameObject("/Type"): NameObject("/XObject"),
            NameObject("/Subtype"): NameObject("/Image"),
            NameObject("/Width"): NumberObject(2),
            NameObject("/Height"): NumberObject(2),
            NameObject("/ColorSpace"): NameObject("/DeviceGray"),
            NameObject("/BitsPerComponent"): NumberObject(8),
        }
    )
    return writer._add_object(image)


def make_pdf(
    pages: Sequence[Sequence[str] | object],
    *,
    title: str | None = None,
    user_password: str | None = None,
    owner_password: str | None = None,
) -> bytes:
    """A PDF with one page per item: a list of text lines, or IMAGE_PAGE for a picture-only page."""
    writer = PdfWriter()
    font = writer._add_object(
        DictionaryObject(
            {
                NameObject("/Type"): NameObject("/Font"),
                NameObject("/Subtype"): NameObject("/Type1"),
                NameObject("/BaseFont"): NameObject("/Helvetica"),
                NameObject("/Encoding"): NameObject("/WinAnsiEncoding"),
            }
        )
    )
    for item in pages:
        page = writer.add_blank_page(width=612, height=792)
        content = DecodedStreamObject()
        resources = DictionaryObject()
        if item is IMAGE_PAGE:
            resources[NameObject("/XObject")] = DictionaryObject({NameObject("/Im1"): _image_xobject(writer)})
            content.set_data(b"q 200 0 0 200 72 500 cm /Im1 Do Q")
        else:
            assert isinstance(item, Sequence)
            resources[NameObject("/Font")] = DictionaryObject({NameObject("/F1"): font})
            content.set_data(_text_stream([str(line) for line in item]))
        page[NameObject("/Resources")] = resources
        page[NameObject("/Contents")] = writer._add_object(content)
    if title is not None:
        writer.add_metadata({"/Title": title})
    if user_password is not None or owner_password is not None:
        writer.encrypt(user_password=user_password or "", owner_password=owner_password, algorithm="AES-128")
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def make_empty_page_tree_pdf() -> bytes:
    """A well-formed PDF whose page tree is empty."""
    writer = PdfWriter()
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


class HashingEmbeddings(Embeddings):
    """Bag-of-words hashed into ``dim`` buckets, L2-normalised: texts sharing words are similar.

    Deterministic across runs (crc32, not Python's salted hash). Counts calls so tests can assert
    what was (not) embedded.
    """

    def __init__(self, dim: int = 64) -> None:
        self.dim = dim
        self.embedded_texts: list[str] = []
        self.query_calls = 0

    def _vector(self, text: str) -> list[float]:
        vec = np.zeros(self.dim, dtype=np.float32)
        for word in re.findall(r"[a-z0-9]+", text.lower()):
            vec[zlib.crc32(word.encode()) % self.dim] += 1.0
        norm = float(np.linalg.norm(vec))
        return (vec / norm if norm else vec).tolist()

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        self.embedded_texts.extend(texts)
        return [self._vector(t) for t in texts]

    def embed_query(self, text: str) -> list[float]:
        self.query_calls += 1
        return self._vector(text)
