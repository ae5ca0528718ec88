"""The one CSV writer of the platform: no cell a spreadsheet would run as a formula.

Excel, LibreOffice and Google Sheets read a cell that starts with ``=``, ``+``,
``-``, ``@``, a tab or a carriage return as a formula, which can fetch a URL or,
through DDE, run a command on the machine of the admin who opens the export
(OWASP, "CSV Injection"). As OWASP recommends, such a text cell is prefixed with
a single quote, which spreadsheets take as "this is text" and do not show, and
every text cell is quoted, so a separator inside it (``,`` or a locale's ``;``)
cannot start a new cell. Numbers the platform writes itself (scores, counts)
stay numbers, so they still add up.
"""

import csv
import io
from collections.abc import Iterable, Sequence

from flask import Response

# OWASP's list, plus the full-width forms some spreadsheets fold into the ASCII ones.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠")


def neutral(value):
    """The cell as written: text that starts a formula gets a leading quote."""
    if value is None:
        return ""
    if isinstance(value, int | float) and not isinstance(value, bool):
        # 85.0 reads as 85, as the pages show it; -3 is a number, not a formula.
        return int(value) if isinstance(value, float) and value.is_integer() else value
    text = str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def csv_text(header: Sequence[str], rows: Iterable[Sequence]) -> str:
    """A whole CSV file: the header, then the rows, every cell through ``neutral``."""
    out = io.StringIO()
    writer = csv.writer(out, quoting=csv.QUOTE_NONNUMERIC)
    writer.writerow([neutral(h) for h in header])
    writer.writerows([neutral(cell) for cell in row] for row in rows)
    return out.getvalue()


def csv_response(text: str, filename: str, byte_order_mark: bool = True) -> Response:
    """A CSV file to download under ``filename``. The byte order mark tells Excel it is UTF-8,
    without which it garbles every name outside Latin-1 (Ñúñez, Айгерим, فاطمة, 王小明); the
    API leaves it out for the programs that read it."""
    return Response(("\ufeff" if byte_order_mark else "") + text, mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})
