"""Request limits, each checked as early as it can be: body bytes while the body is read, batch
items before it is parsed, text characters after.

Measured before (issue #12): a 32 MB batch of 2.5 million tiny items was parsed in full (2 GB of
memory, an 8 s stall) before the item limit answered.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Sequence
from dataclasses import dataclass

from starlette.requests import Request

from service.errors import ContentTooLargeError, RequestTimeoutError, UnsupportedMediaTypeError


@dataclass(frozen=True)
class BodyLimits:
    """How large a request body may be, and how many items its batch may hold."""

    max_bytes: int
    max_items: int | None = None


def check_json(content_type: str | None) -> None:
    """415 unless the body is declared JSON (``application/json`` or ``application/*+json``)
    in UTF-8: a ``charset`` other than UTF-8 is refused, where it was read as UTF-8 anyway
    (JSON on the wire is UTF-8, RFC 8259; a Latin-1 "é" came out as a replacement character)."""
    media, _, parameters = (content_type or "").partition(";")
    media = media.strip().lower()
    if media != "application/json" and not (
        media.startswith("application/") and media.endswith("+json")
    ):
        raise UnsupportedMediaTypeError("send the body as JSON (Content-Type: application/json)")
    for parameter in parameters.split(";"):
        name, _, value = parameter.partition("=")
        charset = value.strip().strip('"').lower()
        if name.strip().lower() == "charset" and charset not in ("utf-8", "utf8"):
            raise UnsupportedMediaTypeError(
                f"send the body as UTF-8 JSON (charset={charset or 'empty'} is not UTF-8)"
            )


async def read_body(request: Request, max_bytes: int, timeout: float) -> bytes:
    """The body, refused (413) as soon as it is known to be over ``max_bytes``: from
    ``Content-Length`` before reading, or while a chunked body streams in; 408 when no part of
    it arrives for ``timeout`` seconds."""
    too_large = ContentTooLargeError(f"request body over the limit of {max_bytes} bytes")
    length = request.headers.get("content-length", "")
    if length.isdigit() and int(length) > max_bytes:
        raise too_large
    chunks: list[bytes] = []
    size = 0
    stream = request.stream()
    while True:
        try:
            async with asyncio.timeout(timeout):
                chunk = await anext(stream, None)
        except TimeoutError:
            raise RequestTimeoutError(
                f"no part of the body arrived for {timeout:g} s; send it whole",
                headers={"Connection": "close"},
            ) from None
        if chunk is None:
            return b"".join(chunks)
        size += len(chunk)
        if size > max_bytes:
            raise too_large
        chunks.append(chunk)


# A JSON string, or one structural character, in a body whose escaped backslashes and quotes
# were removed first (bytes.replace, in C): strings are matched whole, so that brackets and
# commas inside texts are not counted, by one character class, and a string never closed runs
# to the end of the body. Matching escapes in the pattern cost 5.7 s for 31 MB of '"' +
# backslash, in one call that held the whole service (a hostile probe, 2026-11-30; before
# that, ending strings only at a '"' was quadratic: 48 KB stalled it 6 s).
_TOKENS = re.compile(rb'"[^"]*+(?:"|\Z)|[\[\]{},]')


def _unescaped(body: bytes) -> bytes:
    """``body`` without its escaped backslashes, then its escaped quotes: JSON reads escapes
    left to right in pairs, as ``bytes.replace`` does."""
    return body.replace(b"\\\\", b"").replace(b'\\"', b"")


#: Tokens of one item ``{"id": "..", "text": ".."}`` and its comma; the budget of a batch is
#: this many per allowed item, so a valid batch never reaches it.
_TOKENS_PER_ITEM = 8
_OPEN, _CLOSE, _COMMA = frozenset(b"[{"), frozenset(b"]}"), ord(",")


def check_items(body: bytes, max_items: int) -> None:
    """413 when the batch in ``body`` (``{"items": [...]}``) holds more than ``max_items``
    items, found without parsing it: commas between items are counted, and the scan stops at
    the first item over the limit or once the body has more values than that many items could
    hold (nested junk counts too). Memory and time are bounded by the limit, not the body."""
    budget = _TOKENS_PER_ITEM * max_items + 16
    depth = separators = 0
    body = _unescaped(body)
    for count, token in enumerate(_TOKENS.finditer(body)):
        if count > budget:
            raise ContentTooLargeError(
                f"the batch holds more values than {max_items} items can; the limit is "
                f"{max_items} items per request"
            )
        first = body[token.start()]
        if first in _OPEN:
            depth += 1
        elif first in _CLOSE:
            depth -= 1
        elif first == _COMMA and depth == 2:  # between two items of the top-level list
            separators += 1
            if separators >= max_items:
                raise ContentTooLargeError(
                    f"more than {max_items} items; the limit is {max_items} per request"
                )


def check_text_lengths(
    texts: Sequence[str], max_chars: int, *, batch: bool = True, max_total: int | None = None
) -> None:
    """413 naming the first text over ``max_chars`` characters (its item, in a ``batch``), or
    the batch when its texts hold more than ``max_total`` characters in all."""
    for i, text in enumerate(texts):
        if len(text) > max_chars:
            where = f"item {i}: " if batch else ""
            raise ContentTooLargeError(
                f"{where}text has {len(text)} characters, the limit is {max_chars}"
            )
    total = sum(map(len, texts))
    if max_total is not None and total > max_total:
        raise ContentTooLargeError(
            f"the batch's texts hold {total} characters in all, the limit is {max_total}: "
            "send them in smaller batches"
        )
