"""CSV cells that a spreadsheet opens as text, never as a formula (CSV injection).

A cell starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is a formula to
Excel, LibreOffice and Google Sheets (``=HYPERLINK(...)`` runs when the export is opened), so
:func:`escape_cell` puts a ``'`` before it, as OWASP recommends; a cell already starting with
``'`` gets one too, so that :func:`unescape_cell` undoes exactly what was added.

>>> escape_cell("=HYPERLINK(\\"http://x\\")")
'\\'=HYPERLINK("http://x")'
>>> unescape_cell(escape_cell("-5 derajat"))
'-5 derajat'
"""

from __future__ import annotations

__all__ = ["escape_cell", "unescape_cell"]

_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "'")


def escape_cell(value: str) -> str:
    """``value`` as a cell no spreadsheet evaluates."""
    return "'" + value if value.startswith(_TRIGGERS) else value


def unescape_cell(value: str) -> str:
    """The inverse of :func:`escape_cell`."""
    return value[1:] if value.startswith("'") and value[1:].startswith(_TRIGGERS) else value
