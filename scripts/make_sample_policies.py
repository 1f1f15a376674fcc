"""Render the sample HR policies in ``data/policies/src/*.md`` to the PDFs the app ships with.

The policies belong to a fictional company and were written for this project, so the HR Policy Q&A
page has something to answer from on first start. Run it after editing a source file:

    .venv/bin/python scripts/make_sample_policies.py            # writes data/policies/*.pdf
    .venv/bin/python scripts/make_sample_policies.py --check    # fails if a PDF is out of date
    .venv/bin/python scripts/make_sample_policies.py --src data/bank_faq/src --out data/bank_faq  # bank FAQ

The source format is a small subset of Markdown: a front-matter block (title, file, version),
``#``/``##``/``###`` headings, paragraphs, ``- `` bullets and ``|``-separated tables whose first row
is the header. Output is byte-for-byte reproducible (fixed creation date), so ``--check`` can
compare bytes and re-rendering does not change the index's content hashes.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from fpdf import FPDF
from fpdf.enums import XPos, YPos

COMPANY = "Acme Workbench Ltd"
ROOT = Path(__file__).resolve().parent.parent
SRC_DIR = ROOT / "data" / "policies" / "src"
OUT_DIR = ROOT / "data" / "policies"
# A fixed date keeps the output reproducible; it is the date the sample set was written.
CREATION_DATE = datetime(2025, 6, 1, tzinfo=UTC)


@dataclass(frozen=True)
class Collection:
    """A set of sample documents: where the sources are, where the PDFs go, and who publishes them."""

    src_dir: Path
    out_dir: Path
    organisation: str
    author: str
    script: str
    # The PDF title is what citations and answers name the document by; the policies' include the company.
    title_with_organisation: bool = True


POLICIES = Collection(
    SRC_DIR, OUT_DIR, COMPANY, f"{COMPANY} People Operations", "scripts/make_sample_policies.py"
)


@dataclass
class Block:
    kind: str  # "h1" | "h2" | "h3" | "para" | "bullet" | "table"
    text: str = ""
    rows: list[list[str]] = field(default_factory=list)


@dataclass
class PolicySource:
    title: str
    file: str
    version: str
    blocks: list[Block]
    # Optional front-matter keys that override the collection's (the bank FAQ's own organisation).
    organisation: str | None = None
    author: str | None = None


def parse_source(text: str) -> PolicySource:
    """Parse the front matter and the Markdown subset into blocks."""
    lines = text.splitlines()
    if not lines or lines[0].strip() != "---":
        raise ValueError("a policy source must start with a '---' front-matter block")
    meta: dict[str, str] = {}
    end = lines.index("---", 1)
    for line in lines[1:end]:
        key, _, value = line.partition(":")
        meta[key.strip()] = value.strip()
    blocks: list[Block] = []
    paragraph: list[str] = []

    def flush() -> None:
        if paragraph:
            blocks.append(Block("para", " ".join(paragraph)))
            paragraph.clear()

    for raw in lines[end + 1 :]:
        line = raw.strip()
        if not line:
            flush()
        elif line.startswith("#"):
            flush()
            level = len(line) - len(line.lstrip("#"))
            blocks.append(Block(f"h{level}", line[level:].strip()))
        elif line.startswith("|"):
            flush()
            cells = [cell.strip() for cell in line.strip("|").split("|")]
            if blocks and blocks[-1].kind == "table":
                blocks[-1].rows.append(cells)
            else:
                blocks.append(Block("table", rows=[cells]))
        elif line.startswith("- "):
            flush()
            blocks.append(Block("bullet", line[2:].strip()))
        else:
            paragraph.append(line)
    flush()
    missing = {"title", "file", "version"} - meta.keys()
    if missing:
        raise ValueError(f"front matter is missing {sorted(missing)}")
    organisation = meta.get("organisation")
    author = meta.get("author") or (f"{organisation} People Operations" if organisation else None)
    return PolicySource(meta["title"], meta["file"], meta["version"], blocks, organisation, author)


class PolicyPDF(FPDF):
    def __init__(self, source: PolicySource, collection: Collection = POLICIES) -> None:
        super().__init__(format="A4")
        self.source = source
        self.organisation = source.organisation or collection.organisation
        self.set_margins(22, 20, 22)
        self.set_auto_page_break(auto=True, margin=22)
        self.set_title(
            f"{self.organisation} {source.title}" if collection.title_with_organisation else source.title
        )
        self.set_author(source.author or collection.author)
        self.set_subject(source.version)
        self.set_creator(collection.script)
        self.set_creation_date(CREATION_DATE)

    def header(self) -> None:
        self.set_font("Helvetica", "", 8)
        self.set_text_color(110, 110, 110)
        self.cell(0, 5, f"{self.organisation} | {self.source.title}", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_draw_color(200, 200, 200)
        self.line(self.l_margin, self.get_y() + 1, self.w - self.r_margin, self.get_y() + 1)
        self.ln(6)
        self.set_text_color(0, 0, 0)

    def footer(self) -> None:
        self.set_y(-15)
        self.set_font("Helvetica", "", 8)
        self.set_text_color(110, 110, 110)
        self.cell(0, 8, f"{self.source.version}    Page {self.page_no()} of {{nb}}", align="C")

    def heading(self, block: Block) -> None:
        size, space = {"h1": (18, 4), "h2": (13, 3), "h3": (11, 2)}[block.kind]
        # Keep a heading with at least a few lines of its section.
        if self.will_page_break(size + 25):
            self.add_page()
        self.ln(space)
        self.start_section(block.text, level=int(block.kind[1]) - 1)
        self.set_font("Helvetica", "B", size)
        self.multi_cell(0, size * 0.55, block.text, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.ln(space)

    def paragraph(self, text: str) -> None:
        self.set_font("Helvetica", "", 10.5)
        self.multi_cell(0, 5.4, text, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.ln(2.5)

    def bullet(self, text: str) -> None:
        self.set_font("Helvetica", "", 10.5)
        self.set_x(self.l_margin + 4)
        self.cell(5, 5.4, "-")
        self.multi_cell(0, 5.4, text, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.ln(1)

    def table_block(self, rows: list[list[str]]) -> None:
        self.set_font("Helvetica", "", 10)
        if self.will_page_break(8 * len(rows)):
            self.add_page()
        with self.table(line_height=6, text_align="LEFT", first_row_as_headings=True, padding=1.5) as table:
            for cells in rows:
                row = table.row()
                for cell in cells:
                    row.cell(cell)
        self.ln(3)


def render(source: PolicySource, collection: Collection = POLICIES) -> bytes:
    pdf = PolicyPDF(source, collection)
    pdf.add_page()
    for block in source.blocks:
        if block.kind.startswith("h"):
            pdf.heading(block)
            if block.kind == "h1":
                pdf.set_font("Helvetica", "I", 9.5)
                pdf.cell(0, 5, source.version, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
                pdf.ln(3)
        elif block.kind == "para":
            pdf.paragraph(block.text)
        elif block.kind == "bullet":
            pdf.bullet(block.text)
        elif block.kind == "table":
            pdf.table_block(block.rows)
    return bytes(pdf.output())


def main(argv: list[str] | None = None, collection: Collection = POLICIES) -> int:
    parser = argparse.ArgumentParser(description=f"Render {collection.src_dir}/*.md to reproducible PDFs.")
    parser.add_argument(
        "--check", action="store_true", help="fail if a committed PDF differs from its source"
    )
    parser.add_argument("--src", type=Path, help="folder of Markdown sources (default: the collection's)")
    parser.add_argument("--out", type=Path, help="folder the PDFs are written to (default: the collection's)")
    args = parser.parse_args(argv)
    stale: list[str] = []
    for path in sorted((args.src or collection.src_dir).glob("*.md")):
        source = parse_source(path.read_text(encoding="utf-8"))
        data = render(source, collection)
        target = (args.out or collection.out_dir) / source.file
        if args.check:
            if not target.exists() or target.read_bytes() != data:
                stale.append(source.file)
            continue
        tmp = target.with_suffix(".pdf.tmp")
        tmp.write_bytes(data)
        tmp.replace(target)
        print(f"wrote {target} ({len(data):,} bytes)")
    if stale:
        print(f"out of date: {', '.join(stale)} (run {collection.script})", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
