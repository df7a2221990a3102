"""Cells of every CSV we produce are safe to open in a spreadsheet (CSV injection).

A cell whose text starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return can be
run as a formula by Excel or LibreOffice (``=HYPERLINK(...)`` leaking the sheet, or worse).
As OWASP recommends, such a cell gets a leading apostrophe, which spreadsheets show as
text. Plain numbers (``-3``, ``+33 4 76 00 00 00`` phone numbers of the national standard)
are not formulas and are left alone, so the open-data files keep their format.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Mapping
from typing import Any

from django.http import HttpResponse

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# Signed numbers, phone numbers and decimals a spreadsheet reads as numbers, never formulas.
_PLAIN_NUMBER = re.compile(r"[+-]?[0-9][0-9 .,]*")


def neutralise(value: Any) -> Any:
    """The value, with a leading apostrophe when its text could start a formula."""
    if not isinstance(value, str) or not value.startswith(FORMULA_STARTS):
        return value
    if _PLAIN_NUMBER.fullmatch(value):
        return value
    return "'" + value


def safe_row(row: Iterable[Any]) -> list[Any]:
    return [neutralise(value) for value in row]


def safe_dict(row: Mapping[str, Any]) -> dict[str, Any]:
    return {key: neutralise(value) for key, value in row.items()}


class SafeWriter:
    """``csv.writer`` whose every cell goes through ``neutralise``."""

    def __init__(self, out, **options: Any) -> None:
        self._writer = csv.writer(out, **options)

    def writerow(self, row: Iterable[Any]) -> None:
        self._writer.writerow(safe_row(row))

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writerow(row)


def csv_download(filename: str) -> tuple[HttpResponse, SafeWriter]:
    """A CSV attachment that Excel opens in UTF-8 (BOM) with French separators (;)."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.write("\ufeff")  # Excel reads UTF-8 only with a BOM
    return response, SafeWriter(response, delimiter=";")
