"""French typography for escaped template output.

Non-breaking spaces before high punctuation and inside guillemets, and typographic apostrophes
(« l’employeur ») instead of the typewriter one.

``fr_typo`` works on HTML-escaped text: tags (``<…>``) and character references
(``&amp;``, ``&#39;``…) are opaque units that are never split or altered, so the ``;``
ending an entity is never mistaken for a semicolon.
"""

from __future__ import annotations

import re

from markupsafe import Markup, escape

__all__ = ["APOSTROPHE", "NBSP", "NNBSP", "fr_typo"]

NBSP = "\u00a0"  # no-break space: inside « »
NNBSP = "\u202f"  # narrow no-break space: before ; : ! ?
APOSTROPHE = "\u2019"  # typographic apostrophe
_STRAIGHT_APOSTROPHES = frozenset({"'", "&#39;", "&#x27;", "&#X27;", "&apos;"})

_HIGH_PUNCT = frozenset(";:!?")
_SPACES = frozenset(" \t" + NBSP + NNBSP + "\u2009")
# After a high punctuation mark, these make it a real punctuation use rather than part of
# a token like "http://", "14:30" or "a?b=c".
_CLOSERS = frozenset(_HIGH_PUNCT | set(".,)]»\u201d\u2019'\"\n\r"))

# An escaped string is a sequence of tags, character references and single characters. A
# <style> or <script> element is one opaque unit: CSS such as "margin: 12mm" is not prose, and
# a no-break space before its colon would make WeasyPrint drop the declaration.
_UNIT_RE = re.compile(
    r"<(style|script)\b[^>]*>.*?</\1\s*>|<[^>]*>|&(?:#[0-9]+|#[xX][0-9a-fA-F]+|[A-Za-z][A-Za-z0-9]*);|.",
    re.DOTALL | re.IGNORECASE,
)


def _is_space(unit: str) -> bool:
    return unit in _SPACES


def _is_text(unit: str) -> bool:
    """True for a visible character or a character reference (not a tag, not a space)."""
    return not unit.startswith("<") and not _is_space(unit)


def _apply(units: list[str]) -> list[str]:
    out: list[str] = []
    count = len(units)
    i = 0
    while i < count:
        unit = units[i]
        if unit in _HIGH_PUNCT:
            if out and _is_space(out[-1]):
                # "mot :" -> replace the spaces typed before the sign by one narrow NBSP.
                while out and _is_space(out[-1]):
                    out.pop()
                if out:
                    out.append(NNBSP)
            elif out and _is_text(out[-1]) and out[-1] not in _HIGH_PUNCT and out[-1] != "«":
                following = units[i + 1] if i + 1 < count else None
                if (
                    following is None
                    or _is_space(following)
                    or following in _CLOSERS
                    or following.startswith("&")
                ):
                    out.append(NNBSP)
            out.append(unit)
        elif unit == "«":
            out.append(unit)
            j = i + 1
            while j < count and _is_space(units[j]):
                j += 1
            if j < count and units[j] != "»":
                out.append(NBSP)
            i = j
            continue
        elif unit in _STRAIGHT_APOSTROPHES:
            out.append(APOSTROPHE)
        elif unit == "»":
            while out and _is_space(out[-1]):
                out.pop()
            if out and out[-1] != "«":
                out.append(NBSP)
            out.append(unit)
        else:
            out.append(unit)
        i += 1
    return out


def fr_typo(value: object) -> Markup:
    """Escape ``value`` (unless already Markup) and apply French non-breaking spaces."""
    if value is None:
        return Markup("")
    escaped = value if isinstance(value, Markup) else escape(str(value))
    text = str(escaped)
    if not any(char in text for char in ";:!?«»'&"):
        return Markup(text)
    return Markup("".join(_apply([m.group(0) for m in _UNIT_RE.finditer(text)])))
