"""Tables drawn with rules, read cell by cell.

pypdf reads a page line by line across its whole width, so a table whose cells wrap over several lines
comes out interleaved: "Eligibility All All provisions of All Members immediately All / Members. Members
Maternity before/after / female …", and the figures of a row ("3 Days 180 Days 1 Day 4 Days") lose the
column that says what they count. Word processors draw a table's grid as thin filled rectangles, thin
filled outlines, stroked cell borders, or shaded cells between column rules. Where a page has such a
grid and a cell wraps, the text inside each cell is read on its own, by its position, and the table is
written as list items (``render``): one per cell where labels run down the first column and names
across the top ("• Wedding Leave (WL), Entitlement: 3 Days."), else one per row.

Everything else on the page comes out exactly as pypdf reads it, and so does a page with no grid or
whose table's cells are one line each. A table that continues from the previous page without its
header row is read with that page's header when the columns line up.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

# A rule is a painted shape at most this thick (points) and at least this long.
MAX_RULE_WIDTH = 2.0
MIN_RULE_LENGTH = 5.0
# Rules this close (points) touch; boundaries this close are one.
TOLERANCE = 2.0
# Text pieces whose baselines are this close (points) are on one line of a cell.
LINE_TOLERANCE = 3.0
# A filled rectangle up to this share of the page is a shaded cell (larger ones are backgrounds).
MAX_CELL_AREA = 0.25
# A rule this share of the page's width or height long is a frame or a header's line.
PAGE_SPAN = 0.9
_STROKE_ONLY = frozenset((b"S", b"s"))
# More thin or shaded shapes than this on a page are left alone (an uploaded PDF may hold any number).
MAX_SHAPES = 2000
MAX_CELLS = 500  # a grid of more cells is a chart or a form, not a table to read as sentences
# A grid needs this many rows and columns to be a table (a box around a paragraph is not one).
MIN_ROWS = 2
MIN_COLUMNS = 2
# Column labels this short are names to expand from the page's legend ("WL - Wedding Leave").
_ABBREVIATION = re.compile(r"[A-Z]{2,4}")
_LEGEND = re.compile(r"\b([A-Z]{2,4})\s+[-–:]\s+([A-Z][a-z][A-Za-z'’]*(?:[ \t][A-Z][a-z][A-Za-z'’]*){0,5})")
_PAINT = frozenset((b"f", b"F", b"f*", b"S", b"s", b"B", b"B*", b"b", b"b*"))
Box = tuple[float, float, float, float]  # x0, y0, x1, y1 in page space, y upwards


@dataclass(frozen=True)
class Piece:
    """A piece of the text pypdf writes, with where it starts on the page (None for a line break)."""

    text: str
    x: float | None
    y: float | None


@dataclass
class PageDrawing:
    """What one pass over a page's content gives: its text in pieces and its thin painted shapes."""

    pieces: list[Piece] = field(default_factory=list)
    rules: list[Box] = field(default_factory=list)
    shades: list[Box] = field(default_factory=list)  # filled rectangles: cell backgrounds, highlights


@dataclass(frozen=True)
class Grid:
    """A ruled table: column boundaries left to right, row boundaries top to bottom, and which
    neighbouring cells have no rule between them (one merged cell)."""

    xs: tuple[float, ...]
    ys: tuple[float, ...]
    cells: tuple[tuple[int, ...], ...]  # cells[row][column] = the id of the (merged) cell

    @property
    def box(self) -> Box:
        return (self.xs[0], self.ys[-1], self.xs[-1], self.ys[0])


def read_page(page: Any) -> PageDrawing:
    """One pass of pypdf's text extraction that also records the thin shapes the page paints."""
    drawing = PageDrawing()
    path: list[list[tuple[float, float]]] = []

    def point(cm: Sequence[float], x: float, y: float) -> tuple[float, float]:
        return (x * cm[0] + y * cm[2] + cm[4], x * cm[1] + y * cm[3] + cm[5])

    def before(op: bytes, args: Sequence[Any], cm: Sequence[float], tm: Sequence[float]) -> None:
        if op == b"m" and len(args) == 2:
            path.append([point(cm, float(args[0]), float(args[1]))])
        elif op == b"l" and len(args) == 2 and path:
            path[-1].append(point(cm, float(args[0]), float(args[1])))
        elif op == b"re" and len(args) == 4:
            x, y, w, h = (float(a) for a in args)
            path.append([point(cm, x, y), point(cm, x + w, y + h)])
        elif op in _PAINT:
            for box in map(_bounds, path):
                if _is_rule(box):
                    drawing.rules.append(box)
                elif op in _STROKE_ONLY:  # a stroked box (a cell's border): its sides are rules
                    x0, y0, x1, y1 = box
                    sides = [(x0, y0, x1, y0), (x0, y1, x1, y1), (x0, y0, x0, y1), (x1, y0, x1, y1)]
                    drawing.rules.extend(side for side in sides if _is_rule(side))
                elif _is_cell(box, size):
                    drawing.shades.append(box)
            path.clear()
        elif op == b"n":  # a clipping path, never painted
            path.clear()

    def text(content: str, cm: Sequence[float], tm: Sequence[float], *_: Any) -> None:
        if not content:
            return
        if "\n" in content and not content.strip():  # a line break: pypdf's, between lines it reads
            drawing.pieces.append(Piece(content, None, None))
            return
        x, y = point(cm, tm[4], tm[5])
        drawing.pieces.append(Piece(content, x, y))

    box = page.mediabox
    size = (float(box.width), float(box.height))
    page.extract_text(visitor_operand_before=before, visitor_text=text)
    # A frame around the whole page, or a header's or footer's line, is no table's rule.
    drawing.rules = [r for r in drawing.rules if not _spans_page(r, size)]
    return drawing


def _bounds(points: list[tuple[float, float]]) -> Box:
    xs = [p[0] for p in points]
    ys = [p[1] for p in points]
    return (min(xs), min(ys), max(xs), max(ys))


def _is_cell(box: Box, size: tuple[float, float]) -> bool:
    width, height = box[2] - box[0], box[3] - box[1]
    small = width * height <= MAX_CELL_AREA * size[0] * size[1]
    return width > MAX_RULE_WIDTH and height > MAX_RULE_WIDTH and small


def _spans_page(box: Box, size: tuple[float, float]) -> bool:
    return box[2] - box[0] >= PAGE_SPAN * size[0] or box[3] - box[1] >= PAGE_SPAN * size[1]


def _is_rule(box: Box) -> bool:
    width, height = box[2] - box[0], box[3] - box[1]
    return min(width, height) <= MAX_RULE_WIDTH and max(width, height) >= MIN_RULE_LENGTH


def find_grids(rules: Sequence[Box], shades: Sequence[Box] = ()) -> list[Grid]:
    """The tables the rules draw: rules that touch make one grid. A grid drawn with column rules only
    takes its rows from the shaded cells between them (a highlighted line is no row where rows are
    ruled)."""
    grids = []
    shaded = set(shades)
    for group in _touching([*rules, *shades]):  # shaded cells join the rules between them
        thin = [r for r in group if r not in shaded]
        horizontal = [r for r in thin if r[2] - r[0] > r[3] - r[1]]
        vertical = [r for r in thin if r[2] - r[0] <= r[3] - r[1]]
        if len(_clusters([(r[1] + r[3]) / 2 for r in horizontal])) < MIN_ROWS + 1:
            shaded_cells = [b for b in group if b in shaded]
            horizontal += [(b[0], y, b[2], y) for b in shaded_cells for y in (b[1], b[3])]
            vertical += [(x, b[1], x, b[3]) for b in shaded_cells for x in (b[0], b[2])]
        xs = _clusters([(r[0] + r[2]) / 2 for r in vertical])
        ys = _clusters([(r[1] + r[3]) / 2 for r in horizontal], descending=True)
        size = (len(xs) - 1) * (len(ys) - 1)
        if len(xs) - 1 >= MIN_COLUMNS and len(ys) - 1 >= MIN_ROWS and size <= MAX_CELLS:
            grids.append(Grid(xs, ys, _merged_cells(xs, ys, horizontal, vertical)))
    return grids


def _touching(rules: Sequence[Box]) -> list[list[Box]]:
    def touch(a: Box, b: Box) -> bool:
        overlap_x = a[0] - TOLERANCE <= b[2] and b[0] - TOLERANCE <= a[2]
        return overlap_x and a[1] - TOLERANCE <= b[3] and b[1] - TOLERANCE <= a[3]

    pairs = ((i, j) for i in range(len(rules)) for j in range(i + 1, len(rules)) if touch(rules[i], rules[j]))
    groups: dict[int, list[Box]] = {}
    for rule, group in zip(rules, _groups(len(rules), pairs), strict=True):
        groups.setdefault(group, []).append(rule)
    return list(groups.values())


def _groups(size: int, pairs: Iterable[tuple[int, int]]) -> list[int]:
    """For items ``0..size-1``, the group each belongs to once every pair is joined (union-find)."""
    parent = list(range(size))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for a, b in pairs:
        parent[root(b)] = root(a)
    return [root(i) for i in range(size)]


def _clusters(values: list[float], *, descending: bool = False) -> tuple[float, ...]:
    centres: list[list[float]] = []
    for value in sorted(values):
        if centres and value - centres[-1][-1] <= TOLERANCE:
            centres[-1].append(value)
        else:
            centres.append([value])
    means = [sum(c) / len(c) for c in centres]
    return tuple(sorted(means, reverse=descending))


def _vertical_at(rules: list[Box], x: float, y: float) -> bool:
    return any(_near(r[0] + r[2], x) and r[1] - TOLERANCE <= y <= r[3] + TOLERANCE for r in rules)


def _horizontal_at(rules: list[Box], y: float, x: float) -> bool:
    return any(_near(r[1] + r[3], y) and r[0] - TOLERANCE <= x <= r[2] + TOLERANCE for r in rules)


def _near(twice_centre: float, at: float) -> bool:
    return abs(twice_centre / 2 - at) <= TOLERANCE


def _merged_cells(
    xs: tuple[float, ...], ys: tuple[float, ...], horizontal: list[Box], vertical: list[Box]
) -> tuple[tuple[int, ...], ...]:
    rows, columns = len(ys) - 1, len(xs) - 1

    def unruled() -> Iterator[tuple[int, int]]:
        """Neighbouring cells with no rule between them: one cell."""
        for r in range(rows):
            middle_y = (ys[r] + ys[r + 1]) / 2
            for c in range(columns):
                middle_x = (xs[c] + xs[c + 1]) / 2
                if c + 1 < columns and not _vertical_at(vertical, xs[c + 1], middle_y):
                    yield r * columns + c, r * columns + c + 1
                if r + 1 < rows and not _horizontal_at(horizontal, ys[r + 1], middle_x):
                    yield r * columns + c, (r + 1) * columns + c

    group = _groups(rows * columns, unruled())
    return tuple(tuple(group[r * columns + c] for c in range(columns)) for r in range(rows))


@dataclass(frozen=True)
class Table:
    """A grid's text: ``rows[r][c]`` is the text of the (merged) cell at row ``r``, column ``c`` ("" for
    the later rows or columns of a merged cell, whose text is given once)."""

    grid: Grid
    rows: tuple[tuple[str, ...], ...]
    legend: dict[str, str] = field(default_factory=dict)  # abbreviations its page explains
    # Whether a cell's text wraps onto a second line. A table whose every cell is one line reads
    # well as pypdf writes it, a row per line (the answer units read those rows as "label: value").
    wrapped: bool = False


def cell_texts(grid: Grid, pieces: Sequence[Piece]) -> Table:
    """Each cell's pieces, read line by line from the top and left to right within a line."""
    found: dict[int, list[Piece]] = {}
    for piece in pieces:
        where = _cell_of(grid, piece)
        if where is not None:
            found.setdefault(grid.cells[where[0]][where[1]], []).append(piece)
    seen: set[int] = set()
    rows = []
    for row in grid.cells:
        texts = []
        for cell in row:
            texts.append("" if cell in seen else _read_cell(found.get(cell, [])))
            seen.add(cell)
        rows.append(tuple(texts))
    wrapped = any(len(_lines(cell)) > 1 for cell in found.values())
    return Table(grid, tuple(rows), wrapped=wrapped)


def _lines(pieces: list[Piece]) -> list[float]:
    """The baselines of a cell's lines."""
    lines: list[float] = []
    for y in sorted((p.y for p in pieces if p.y is not None and p.text.strip()), reverse=True):
        if not lines or lines[-1] - y > LINE_TOLERANCE:
            lines.append(y)
    return lines


def _cell_of(grid: Grid, piece: Piece) -> tuple[int, int] | None:
    if piece.x is None or piece.y is None:
        return None
    # A piece starts a little inside its cell; its baseline sits above the cell's bottom rule.
    xs, ys = grid.xs, grid.ys
    column = next((c for c in range(len(xs) - 1) if xs[c] - TOLERANCE <= piece.x < xs[c + 1]), None)
    row = next((r for r in range(len(ys) - 1) if ys[r + 1] <= piece.y < ys[r] + TOLERANCE), None)
    return None if column is None or row is None else (row, column)


def _read_cell(pieces: list[Piece]) -> str:
    """A cell's pieces in pypdf's reading order, with a space where a line of the cell ends."""
    text = ""
    previous: Piece | None = None
    for piece in pieces:
        if previous is not None and abs((previous.y or 0.0) - (piece.y or 0.0)) > LINE_TOLERANCE:
            text += " "
        text += piece.text
        previous = piece
    return " ".join(text.split())


def render(table: Table) -> list[str]:
    """The table as list items that a reader (and the answer units) can take one at a time: an item per
    cell where the first column labels the rows and the top row the columns ("• Wedding Leave (WL),
    Entitlement: 3 Days."), else an item per row ("• Leave type: Study leave; Allowance: Up to 5 days").
    A title row across the whole table is a line of its own. Items, not sentences: a cell's own full
    stop must not cut its row in two.
    """
    rows = [tuple(_value(c) for c in row) for row in table.rows if any(row)]
    caption = []
    if len(rows) > 2 and table.grid.cells[0] and len(set(table.grid.cells[0])) == 1:
        caption = [_sentence(rows[0][0])]  # a title row across the whole table
        rows = rows[1:]
    if len(rows) < 2:
        return caption + [_item(" ".join(c for c in row if c)) for row in rows]
    header, body = rows[0], rows[1:]
    names = [_expanded(name, table.legend) for name in header]
    if not header[0]:  # labels down the first column, names across the top: an item per cell
        return caption + [
            _item(f"{names[c]}, {row[0]}: {row[c]}")
            for c in range(1, len(header))
            for row in body
            if names[c] and row[0] and row[c]
        ]
    if len(header) == 2 and not _looks_like_header(header):  # label | value, no header row
        return caption + [_item(": ".join(c for c in row if c)) for row in rows]
    return caption + [_item(_fields(names, row)) for row in body]


def _item(text: str) -> str:
    return f"• {_sentence(text)}"


def _fields(names: Sequence[str], values: Sequence[str]) -> str:
    """ "name: value; …" for the values given ("value" where a column has no name)."""
    return "; ".join(f"{n}: {v}" if n else v for n, v in zip(names, values, strict=True) if v)


def _value(cell: str) -> str:
    return cell.rstrip(" .;")  # the sentence's own punctuation separates the cells


def _looks_like_header(row: tuple[str, ...]) -> bool:
    return all(cell and len(cell.split()) <= 4 and not re.search(r"\d", cell) for cell in row)


def _expanded(name: str, legend: dict[str, str]) -> str:
    full = legend.get(name) if _ABBREVIATION.fullmatch(name) else None
    return f"{full} ({name})" if full else name


def _sentence(text: str) -> str:
    text = " ".join(text.split()).rstrip(" ;:,")
    return text if not text or text.endswith((".", "!", "?")) else f"{text}."


def legend_of(text: str) -> dict[str, str]:
    """Abbreviations a page explains ("EL - Earned Privileged Leave ML - Maternity Leave")."""
    return {short: full.strip() for short, full in _LEGEND.findall(text)}


def continued(table: Table, previous: Table | None) -> Table:
    """``table`` with the header row of the table it continues: one at the top of a page whose columns
    line up with the last table of the previous page, and whose first row has no empty first cell
    where that table's header has one."""
    if previous is None or not previous.rows or not table.rows:
        return table
    before, now = previous.grid.xs, table.grid.xs
    lined_up = len(before) == len(now) and all(
        abs(a - b) <= 2 * TOLERANCE for a, b in zip(before, now, strict=True)
    )
    header = previous.rows[0]
    if not lined_up or header[0] or not table.rows[0][0]:
        return table
    width = len(now) - 1
    grid = Grid(table.grid.xs, table.grid.ys, (tuple(range(-width, 0)), *table.grid.cells))
    legend = {**previous.legend, **table.legend}
    return Table(grid, (header, *table.rows), legend, wrapped=table.wrapped or previous.wrapped)


def page_text(page: Any, previous: Table | None = None) -> tuple[str, Table | None]:
    """The page's text as pypdf reads it, with each ruled table written as ``render`` writes it; and
    the page's last table, for a table that continues on the next page."""
    drawing = read_page(page)
    plain = "".join(p.text for p in drawing.pieces)
    if len(drawing.rules) + len(drawing.shades) > MAX_SHAPES:
        return plain, None  # grouping shapes is quadratic; a page this busy is a drawing, not a table
    grids = sorted(find_grids(drawing.rules, drawing.shades), key=lambda g: -g.ys[0])
    if not grids:
        return plain, None
    legend = legend_of(plain)
    tables = [dataclasses.replace(cell_texts(g, drawing.pieces), legend=legend) for g in grids]
    tables[0] = continued(tables[0], previous)
    return _with_tables(drawing.pieces, [t for t in tables if t.wrapped]), tables[-1]


def _with_tables(pieces: Sequence[Piece], tables: Sequence[Table]) -> str:
    """The page's lines, with the lines inside a table replaced by its sentences (once, where the
    table starts)."""
    lines: list[list[Piece]] = [[]]
    for piece in pieces:
        lines[-1].append(piece)
        if piece.x is None:  # pypdf's line break ends the line
            lines.append([])
    out: list[str] = []
    written: set[int] = set()
    for line in lines:
        kept = []
        for piece in line:
            inside = next((n for n, t in enumerate(tables) if _inside(t.grid.box, piece)), None)
            if inside is None:
                kept.append(piece.text)
            elif inside not in written:
                written.add(inside)
                out.append("\n" + "\n".join(render(tables[inside])) + "\n")
        out.append("".join(kept))
    return "".join(out)


def _inside(box: Box, piece: Piece) -> bool:
    if piece.x is None or piece.y is None:
        return False
    return box[0] - TOLERANCE <= piece.x <= box[2] + TOLERANCE and box[1] <= piece.y <= box[3] + TOLERANCE
