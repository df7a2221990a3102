"""Opening a source file: encoding, CSV dialect, JSON parsing, row numbering.

Problems with the whole file raise ``FormatError`` with a French message that says where.
Files are a few megabytes at most, so they are read at once; rows are still handed out one
by one so that callers can stream.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from aiguillage.places.formats.records import FormatError

CSV_DELIMITERS = (",", ";", "\t")
_DATE_IN_NAME = re.compile(r"(20\d\d)-?(\d\d)-?(\d\d)")

# Row problems found before conversion (shape of the row itself).
RawRow = tuple[int, Any, str | None]  # (line, raw item, problem or None)

_JSON_MESSAGES = {
    "Expecting value": "valeur attendue",
    "Expecting ',' delimiter": "virgule attendue",
    "Expecting ':' delimiter": "deux-points attendus",
    "Expecting property name enclosed in double quotes": "nom de propriété attendu",
    "Unterminated string starting at": "texte entre guillemets non terminé",
    "Extra data": "données en trop après la fin du JSON",
    "Invalid control character at": "caractère de contrôle interdit",
}


@dataclass(slots=True)
class LoadedFile:
    """A source file once decoded: either a JSON document or a CSV table."""

    path: Path
    kind: str  # "json" or "csv"
    data: Any = None  # parsed JSON
    text: str = ""  # decoded CSV text
    delimiter: str = ","
    header: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)  # applies to every row (encoding…)

    @property
    def unit(self) -> str:
        return "élément n°" if self.kind == "json" else "ligne"

    def items(self) -> Iterator[RawRow]:
        """Rows as (line, raw, problem); raw is a dict when the row has a usable shape."""
        if self.kind == "json":
            yield from _json_items(self.data)
        else:
            yield from _csv_rows(self.text, self.delimiter, self.header)

    @property
    def file_date(self) -> date | None:
        """Date written in the file name (france_services_2024-08-01.csv, liste-fs-20240801.csv):
        the only update date some national exports carry."""
        match = _DATE_IN_NAME.search(self.path.name)
        if not match:
            return None
        try:
            return date(*(int(part) for part in match.groups()))
        except ValueError:
            return None

    def count(self) -> int:
        if self.kind == "json":
            return len(_json_list(self.data))
        # Every non-blank line after the header is one row (accepted or rejected): counted
        # without building the rows' dicts.
        reader = csv.reader(io.StringIO(self.text, newline=""), delimiter=self.delimiter)
        try:
            return max(0, sum(1 for row in reader if not _is_blank(row)) - 1)
        except csv.Error as error:
            raise FormatError(f"CSV illisible ligne {reader.line_num} : {error}") from None


def load(path: Path) -> LoadedFile:
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as error:
        raise FormatError(
            f"impossible d'ouvrir le fichier « {path.name} » : {error.strerror}"
        ) from None
    _reject_binary(data)
    if _looks_like_json(data, path):
        document = _parse_json(data)
        _json_list(document)  # refuse a lone object now, not after the first row
        return LoadedFile(path=path, kind="json", data=document)
    text, warnings = _decode_text(data)
    delimiter = _sniff_delimiter(text)
    header = _read_header(text, delimiter)
    return LoadedFile(
        path=path, kind="csv", text=text, delimiter=delimiter, header=header, warnings=warnings
    )


def _reject_binary(data: bytes) -> None:
    if not data.strip():
        raise FormatError("le fichier est vide")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise FormatError("le fichier est encodé en UTF-16 : enregistrez-le en CSV UTF-8")
    if data.startswith(b"PK\x03\x04"):
        raise FormatError(
            "le fichier est un classeur (Excel ou LibreOffice) : exportez-le en CSV UTF-8"
        )
    if b"\x00" in data[:4096]:
        raise FormatError(
            "le fichier contient des données binaires : un CSV ou un JSON est attendu"
        )


def _looks_like_json(data: bytes, path: Path) -> bool:
    if path.suffix.lower() in {".json", ".geojson"}:
        return True
    start = data.lstrip(b"\xef\xbb\xbf \t\r\n")[:1]
    return start in {b"[", b"{"}


def _position(data: bytes, offset: int) -> str:
    line = data.count(b"\n", 0, offset) + 1
    column = offset - (data.rfind(b"\n", 0, offset) + 1) + 1
    return f"ligne {line}, colonne {column}"


def _parse_json(data: bytes) -> Any:
    try:
        decoded = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise FormatError(
            "le fichier JSON n'est pas encodé en UTF-8 (caractère illisible "
            f"{_position(data, error.start)}) : enregistrez-le en UTF-8"
        ) from None
    try:
        return json.loads(decoded)
    except RecursionError:
        # Places are lists of flat objects: thousands of nested brackets are an attack or
        # a broken file, never data.
        raise FormatError(
            "le fichier JSON est imbriqué trop profondément : ce n'est pas une liste de lieux"
        ) from None
    except json.JSONDecodeError as error:
        reason = next(
            (french for english, french in _JSON_MESSAGES.items() if error.msg.startswith(english)),
            "syntaxe incorrecte",
        )
        raise FormatError(
            f"JSON mal formé ligne {error.lineno}, colonne {error.colno} : {reason}"
        ) from None


def _decode_text(data: bytes) -> tuple[str, list[str]]:
    try:
        return data.decode("utf-8-sig"), []
    except UnicodeDecodeError as error:
        utf8_error = error
    # French spreadsheets often save CSV in Windows-1252: accept it, and say so.
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError:
        raise FormatError(
            "le fichier n'est ni en UTF-8 ni en Windows-1252 (caractère illisible "
            f"{_position(data, utf8_error.start)}) : enregistrez-le en CSV UTF-8"
        ) from None
    return text, ["fichier encodé en Windows-1252 et non en UTF-8 : texte converti"]


def _sniff_delimiter(text: str) -> str:
    first_line = text.split("\n", 1)[0]
    return max(CSV_DELIMITERS, key=first_line.count)


def _read_header(text: str, delimiter: str) -> list[str]:
    reader = csv.reader(io.StringIO(text[:100_000], newline=""), delimiter=delimiter)
    for row in reader:
        if any(cell.strip() for cell in row):
            return [cell.strip().lstrip("\ufeff") for cell in row]
    raise FormatError("le fichier CSV n'a pas de ligne d'en-tête")


def _is_blank(row: list[str]) -> bool:
    """A blank line, or only separators and spaces."""
    return not "".join(row).strip()


def _csv_rows(text: str, delimiter: str, header: list[str]) -> Iterator[RawRow]:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    previous_end = 0
    header_seen = False
    width = len(header)
    try:
        for row in reader:
            line = previous_end + 1
            previous_end = reader.line_num
            if _is_blank(row):
                continue
            if not header_seen:
                header_seen = True
                continue
            if len(row) > width and any(cell.strip() for cell in row[width:]):
                problem = f"{len(row)} colonnes au lieu de {width} (séparateur ou guillemets ?)"
                yield line, None, problem
                continue
            yield line, dict(zip(header, row, strict=False)), None
    except csv.Error as error:
        raise FormatError(f"CSV illisible ligne {reader.line_num} : {error}") from None


def _json_list(data: Any) -> list[Any]:
    if isinstance(data, list):
        return data
    if isinstance(data, dict) and isinstance(data.get("features"), list):
        return data["features"]
    raise FormatError("un tableau JSON de lieux est attendu (le fichier contient un seul objet)")


def _json_items(data: Any) -> Iterator[RawRow]:
    for index, item in enumerate(_json_list(data)):
        if isinstance(item, dict):
            yield index + 1, item, None
        else:
            yield index + 1, None, "un objet JSON est attendu"
