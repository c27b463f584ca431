"""Reading uploaded attendee lists into header-keyed rows, one row at a time.

A `Table` knows how to reopen its source, so planning (the dry run) and committing can
each stream the file again instead of holding it in memory.
"""

import codecs
import csv
import io
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import BinaryIO

from charset_normalizer import from_bytes
from django.conf import settings

from contacts.importers.columns import VCARD_HEADERS, guess_mapping, has_identity

SAMPLE_BYTES = 256 * 1024
HEADER_SEARCH_ROWS = 40
DELIMITERS = (",", ";", "\t")
# Fields bigger than csv's default 128 KB limit are still only ever one cell.
csv.field_size_limit(1024 * 1024)

MAGIC = {
    b"%PDF": "a PDF document",
    b"\x89PNG": "a PNG image",
    b"GIF8": "a GIF image",
    b"\xff\xd8\xff": "a JPEG image",
    b"\xd0\xcf\x11\xe0": "an old Excel (.xls) or Word file: save it as .xlsx or .csv",
    b"\x1f\x8b": "a gzip archive",
}


class ImportFileError(Exception):
    """The file cannot be imported; the message is shown to the user as is."""


@dataclass(frozen=True)
class SourceRow:
    number: int  # 1-based row (record) number as a spreadsheet would show it
    sheet: str
    cells: dict[str, str]


@dataclass
class Table:
    kind: str  # "csv", "xlsx" or "vcard"
    headers: list[str]
    rows: Callable[[], Iterator[SourceRow]] = field(repr=False)
    encoding: str = ""
    delimiter: str = ""

    def count_rows(self) -> int:
        return sum(1 for _ in self.rows())


Opener = Callable[[], BinaryIO]


def open_table(opener: Opener, *, file_name: str, size: int | None = None) -> Table:
    """Recognise the file and find its header row; raise ImportFileError with a message
    a person can act on when it cannot be read."""
    limit = settings.IMPORT_MAX_BYTES
    if size is not None and size > limit:
        raise ImportFileError(
            f"The file is {_megabytes(size)}; the limit is {_megabytes(limit)}. "
            "Split it or remove columns you do not need."
        )
    with opener() as handle:
        head = handle.read(SAMPLE_BYTES)
    if not head.strip():
        raise ImportFileError("The file is empty.")
    lower_name = file_name.lower()
    if head.startswith(b"PK\x03\x04"):
        table = _open_xlsx(opener)
    else:
        for magic, what in MAGIC.items():
            if head.startswith(magic):
                raise ImportFileError(f"This looks like {what}, not a CSV, XLSX or vCard file.")
        encoding = _detect_encoding(opener, head)
        text = head.decode(encoding, errors="replace")
        if encoding.startswith("utf-8") and text.startswith("\ufeff"):
            text = text[1:]
        if _looks_binary(text):
            raise ImportFileError(
                "This file is not a spreadsheet: it contains binary data. "
                "Export the list as CSV or XLSX and upload that."
            )
        if lower_name.endswith((".vcf", ".vcard")) or text.lstrip().upper().startswith(
            "BEGIN:VCARD"
        ):
            table = _open_vcard(opener, encoding)
        else:
            table = _open_csv(opener, encoding, text)
    if not any(True for _ in table.rows()):
        raise ImportFileError(
            "The file has a header row but no rows of people under it."
            if table.kind != "vcard"
            else "The file has no vCards in it."
        )
    return table


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.1f} MB"


def _looks_binary(text: str) -> bool:
    sample = text[:8192]
    if "\x00" in sample:
        return True
    controls = sum(1 for ch in sample if ord(ch) < 32 and ch not in "\r\n\t\f")
    return controls > len(sample) * 0.01 or sample.count("\ufffd") > len(sample) * 0.05


def _detect_encoding(opener: Opener, head: bytes) -> str:
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    # UTF-16 without a byte order mark: every other byte of ASCII text is zero.
    sample = head[:4096]
    even_zeros, odd_zeros = sample[0::2].count(0), sample[1::2].count(0)
    if len(sample) >= 8 and odd_zeros > len(sample) * 0.4 and even_zeros == 0:
        return "utf-16-le"
    if len(sample) >= 8 and even_zeros > len(sample) * 0.4 and odd_zeros == 0:
        return "utf-16-be"
    if b"\x00" in sample:
        return "utf-8"  # binary; _looks_binary refuses it
    if _is_utf8(opener):
        return "utf-8"
    best = from_bytes(head).best()
    if best is None:
        return "cp1252"
    # Windows exports labelled latin-1 are cp1252 in practice (curly quotes, €).
    return "cp1252" if best.encoding in {"latin_1", "iso8859_1", "ascii"} else best.encoding


def _is_utf8(opener: Opener) -> bool:
    """Decode the whole file incrementally: UTF-8 is the common case and decoding it
    strictly is the only reliable check (a sample can miss the one accented name)."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    with opener() as handle:
        try:
            while chunk := handle.read(1 << 16):
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            return False
    return True


def _clean(value) -> str:
    if value is None:
        return ""
    return str(value).replace("\r\n", "\n").strip()


def _header_score(cells: list[str]) -> int:
    mapping = guess_mapping([c for c in cells if c])
    if not has_identity(mapping):
        return 0
    return len(mapping)


def _find_header(records: Iterator[list[str]]) -> tuple[int, list[str], int] | None:
    """The best-scoring row among the first few non-blank rows: title rows, notes and
    other report sections above it are passed over."""
    best = None
    for index, record in enumerate(records):
        if index >= HEADER_SEARCH_ROWS:
            break
        cells = [_clean(c) for c in record]
        score = _header_score(cells)
        if score and (best is None or score > best[2]):
            best = (index, cells, score)
    return best


def _open_csv(opener: Opener, encoding: str, sample_text: str) -> Table:
    sample_lines = sample_text.splitlines(keepends=True)[:-1] or [sample_text]
    candidates = []
    for delimiter in DELIMITERS:
        found = _find_header(csv.reader(sample_lines, delimiter=delimiter))
        if found:
            candidates.append((found[2], len(found[1]), delimiter, found))
    if not candidates:
        raise ImportFileError(
            "No header row with a name or email column was found. The list needs a column "
            "headed Name (or First Name and Last Name) or Email."
        )
    _, _, delimiter, (header_index, headers, _) = max(candidates)
    headers = _unique_headers(headers)

    def rows() -> Iterator[SourceRow]:
        with opener() as raw:
            text = io.TextIOWrapper(raw, encoding=encoding, errors="replace", newline="")
            reader = csv.reader(text, delimiter=delimiter)
            for index, record in enumerate(reader):
                if index <= header_index:
                    continue
                cells = [_clean(c) for c in record]
                if not any(cells):
                    continue
                if cells == headers[: len(cells)]:
                    continue  # the header repeated (several exports pasted together)
                yield SourceRow(index + 1, "", dict(zip(headers, cells, strict=False)))

    return Table("csv", headers, rows, encoding=encoding, delimiter=delimiter)


def _unique_headers(headers: list[str]) -> list[str]:
    seen: dict[str, int] = {}
    result = []
    for position, header in enumerate(headers):
        name = header or f"Column {position + 1}"
        if name in seen:
            seen[name] += 1
            name = f"{name} ({seen[name]})"
        else:
            seen[name] = 1
        result.append(name)
    return result


def _open_xlsx(opener: Opener) -> Table:
    from openpyxl import load_workbook

    def workbook():
        # read_only streams rows; data_only=False leaves formulas as their text, so
        # nothing in the file is ever evaluated.
        return load_workbook(opener(), read_only=True, data_only=False)

    try:
        book = workbook()
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise ImportFileError(
            "This is a ZIP file but not a readable Excel workbook (.xlsx)."
        ) from exc
    sheets: list[tuple[str, int, list[str]]] = []
    try:
        for sheet in book.worksheets:
            found = _find_header(
                [_clean(v) for v in row]
                for row in sheet.iter_rows(max_row=HEADER_SEARCH_ROWS, values_only=True)
            )
            if found:
                sheets.append((sheet.title, found[0], _unique_headers(found[1])))
    finally:
        book.close()
    if not sheets:
        raise ImportFileError(
            "No sheet in this workbook has a header row with a name or email column. "
            "The list needs a column headed Name (or First Name and Last Name) or Email."
        )
    headers: list[str] = []
    for _, _, sheet_headers in sheets:
        headers.extend(h for h in sheet_headers if h not in headers)

    def rows() -> Iterator[SourceRow]:
        book = workbook()
        try:
            for title, header_index, sheet_headers in sheets:
                for index, row in enumerate(book[title].iter_rows(values_only=True)):
                    if index <= header_index:
                        continue
                    cells = [_clean(v) for v in row]
                    if not any(cells):
                        continue
                    yield SourceRow(index + 1, title, dict(zip(sheet_headers, cells, strict=False)))
        finally:
            book.close()

    return Table("xlsx", headers, rows)


def _open_vcard(opener: Opener, encoding: str) -> Table:
    import vobject

    def rows() -> Iterator[SourceRow]:
        with opener() as raw:
            text = io.TextIOWrapper(raw, encoding=encoding, errors="replace")
            number = 0
            try:
                for card in vobject.readComponents(text):
                    number += 1
                    yield SourceRow(number, "", _vcard_cells(card))
            except ImportFileError:
                raise
            except Exception as exc:  # vobject raises bare ParseErrors and more
                raise ImportFileError(f"vCard number {number + 1} cannot be read: {exc}") from exc

    return Table("vcard", list(VCARD_HEADERS), rows, encoding=encoding)


def _vcard_cells(card) -> dict[str, str]:
    def first(name: str) -> str:
        values = card.contents.get(name.lower())
        if not values:
            return ""
        value = values[0].value
        if isinstance(value, list):
            value = ", ".join(str(v) for v in value if v)
        return _clean(value)

    cells = dict.fromkeys(VCARD_HEADERS, "")
    names = card.contents.get("n")
    if names:
        n = names[0].value
        cells.update(
            {
                "First Name": _clean(n.given),
                "Middle Name": _clean(
                    " ".join(n.additional) if isinstance(n.additional, list) else n.additional
                ),
                "Last Name": _clean(" ".join(n.family) if isinstance(n.family, list) else n.family),
                "Prefix": _clean(" ".join(n.prefix) if isinstance(n.prefix, list) else n.prefix),
                "Suffix": _clean(" ".join(n.suffix) if isinstance(n.suffix, list) else n.suffix),
            }
        )
    cells["Name"] = first("fn")
    cells["Email"] = first("email")
    cells["Phone"] = first("tel")
    orgs = card.contents.get("org")
    if orgs:
        value = orgs[0].value
        cells["Organization"] = _clean(value[0] if isinstance(value, list) and value else value)
    cells["Title"] = first("title")
    cells["Role"] = first("role")
    cells["URL"] = first("url")
    cells["Note"] = first("note")
    return cells
