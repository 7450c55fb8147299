"""Remove characters that could act on a terminal or hide inside report text.

Report text comes from the public. Rich/Textual strip only a few control
characters, so ESC, C1 controls, NUL and DEL would otherwise reach the terminal
(window title, OSC 52 clipboard writes, OSC 8 links, screen clearing), and bidi
or invisible characters would let a report disguise what an operator reads.
The server cleans at intake and the console cleans again before rendering, so
both functions are idempotent: cleaning cleaned text changes nothing.

Markup such as ``[bold]`` is left alone on purpose: escaping it is the
renderer's job, this module only removes characters.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import Final

__all__ = [
    "MAX_COMBINING_RUN",
    "MAX_LINES",
    "MAX_LINE_CHARS",
    "MAX_TEXT_CHARS",
    "clean_line",
    "clean_text",
]

MAX_TEXT_CHARS: Final = 20_000  # default bound for long text (descriptions, notes)
MAX_LINE_CHARS: Final = 300  # bound for one-line fields (titles, names, locations)
MAX_COMBINING_RUN: Final = 2  # combining marks kept after one base character
MAX_LINES: Final = 2_000  # lines kept by clean_text

_ELLIPSIS: Final = "\u2026"
_ZWJ: Final = "\u200d"

# Cleaning only ever shrinks text, so input far longer than the bound is
# padding or junk; cutting it first keeps hostile sizes cheap to process.
_PRECUT_FACTOR: Final = 4
_PRECUT_SLACK: Final = 1_024

# CPython's normalisation sorts a run of combining marks by insertion sort,
# which is quadratic in the run length; runs are capped before normalising.
# The cap is generous so that NFC still sees every mark a base could absorb.
_PRE_NORMALIZE_RUN: Final = 16

# What to do with one character, decided once per distinct character.
_KEEP, _DROP, _BREAK, _MARK = range(4)

_KEPT_CONTROLS: Final = frozenset("\n\t")
_LINE_BREAKS: Final = frozenset("\u2028\u2029")
# Not format characters, but they render as nothing and are used to fake
# blank fields: combining grapheme joiner, Hangul fillers, Khmer inherent vowels.
_INVISIBLE: Final = frozenset("\u034f\u115f\u1160\u17b4\u17b5\u3164\uffa0")
# Cc: C0, DEL, C1 (NEL included). Cf: bidi controls, zero-width characters,
# soft hyphen, BOM, word joiner, tag characters. Co/Cs/Cn: nothing to show.
_DROP_CATEGORIES: Final = frozenset({"Cc", "Cf", "Co", "Cs", "Cn"})

# Approximation of "emoji-like" for ZWJ sequences: the emoji planes plus the
# symbol blocks that take part in sequences (e.g. black cat = cat ZWJ U+2B1B).
_EMOJI: Final = "\u2190-\u21ff\u2300-\u23ff\u2600-\u27bf\u2b00-\u2bff\U0001f000-\U0001faff"
_VARIATION_SELECTORS: Final = "\ufe00-\ufe0f\U000e0100-\U000e01ef"

# A ZWJ survives only between two emoji (the left one may carry U+FE0F).
# Patterns here start with a literal or a character class rather than a
# lookbehind or an alternation, so the regex engine can skip ahead quickly.
_STRAY_ZWJ: Final = re.compile(f"\u200d(?:(?<![{_EMOJI}]\u200d)(?<![{_EMOJI}]\ufe0f\u200d)|(?![{_EMOJI}]))")
# Three or more blank (whitespace-only) lines in a row, at the start of the
# text or after a line break.
_LEADING_BLANK_LINES: Final = re.compile(r"\A(?:[^\S\n]*\n){3,}")
_BLANK_LINES: Final = re.compile(r"\n(?:[^\S\n]*\n){3,}")
# Above this many distinct characters to drop, a translate table is cheaper
# than compiling a character class.
_MAX_CLASS_DROP: Final = 64


@lru_cache(maxsize=8192)
def _kind(ch: str) -> int:
    if ch in _KEPT_CONTROLS or ch == _ZWJ:
        return _KEEP  # a ZWJ is judged by its neighbours later
    if ch in _LINE_BREAKS:
        return _BREAK
    if ch in _INVISIBLE:
        return _DROP
    category = unicodedata.category(ch)
    if category in _DROP_CATEGORIES:
        return _DROP
    if category in ("Mn", "Me") or unicodedata.combining(ch):
        return _MARK
    return _KEEP


def _char_class(chars: str) -> str:
    """Body of a regex character class for sorted, distinct *chars*, as ranges."""
    parts: list[str] = []
    codes = [ord(c) for c in chars]
    i = 0
    while i < len(codes):
        j = i
        while j + 1 < len(codes) and codes[j + 1] == codes[j] + 1:
            j += 1
        parts.append(f"\\U{codes[i]:08x}" if i == j else f"\\U{codes[i]:08x}-\\U{codes[j]:08x}")
        i = j + 1
    return "".join(parts)


@lru_cache(maxsize=128)
def _drop_pattern(chars: str) -> re.Pattern[str]:
    return re.compile(f"[{_char_class(chars)}]+")


@lru_cache(maxsize=128)
def _flood_pattern(marks: str) -> re.Pattern[str]:
    m = _char_class(marks)
    return re.compile(f"((?:[{m}]){{{_PRE_NORMALIZE_RUN}}})[{m}]+")


@lru_cache(maxsize=128)
def _mark_passes(marks: str) -> tuple[tuple[re.Pattern[str], str], ...]:
    m = _char_class(marks)
    return (
        # Variation selectors only mean something right after a base character.
        (re.compile(f"([\u200d{m}])[{_VARIATION_SELECTORS}]+"), r"\1"),
        # Marks with no base (text start, after whitespace) would draw on
        # whatever precedes them on screen.
        (re.compile(f"\\A[{m}]+"), ""),
        (re.compile(f"(\\s)[{m}]+"), r"\1"),
        # Stacked marks ("Zalgo") overflow into neighbouring lines.
        (re.compile(f"((?:[{m}]){{{MAX_COMBINING_RUN}}})[{m}]+"), r"\1"),
    )


def _renormalize(text: str) -> str:
    # Removal can bring a base next to a mark it composes with, or put marks
    # out of canonical order.
    return unicodedata.normalize("NFC", text)


def _clean_chars(value: str, max_chars: int) -> tuple[str, bool]:
    """Rules 1-5 shared by both functions; also reports whether input was precut."""
    if not isinstance(value, str):
        raise TypeError(f"expected str, got {type(value).__name__}")
    if max_chars < 0:
        raise ValueError("max_chars must be >= 0")
    limit = max_chars * _PRECUT_FACTOR + _PRECUT_SLACK
    precut = len(value) > limit
    if precut:
        value = value[:limit]

    # Rules 1-3: everything removed here is a starter that neither composes
    # nor decomposes, so removing it before normalising gives the same result
    # as normalising first, and saves one normalisation of the whole text.
    text = value
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    chars = set(text)
    drop = [ch for ch in chars if _kind(ch) == _DROP]
    has_break = not _LINE_BREAKS.isdisjoint(chars)
    if len(drop) > _MAX_CLASS_DROP:
        text = text.translate(dict.fromkeys(map(ord, drop)))
    elif drop:
        text = _drop_pattern("".join(sorted(drop))).sub("", text)
    if has_break:
        text = text.replace("\u2028", "\n").replace("\u2029", "\n")
    marks = "".join(sorted(ch for ch in chars if _kind(ch) == _MARK))
    if marks:
        text = _flood_pattern(marks).sub(r"\1", text)
    normalized = _renormalize(text)
    if drop or has_break or normalized != text:
        chars = set(normalized)
    text = normalized

    # Removing a ZWJ, selector or mark can again let NFC compose or reorder,
    # and reordering can even decompose a character into new marks, so repeat
    # until stable. Every round that changes anything removes a character of
    # the decomposed text, so this ends; in practice after one or two rounds.
    while True:
        changed = 0
        if _ZWJ in chars:
            text, changed = _STRAY_ZWJ.subn("", text)
        marks = "".join(sorted(ch for ch in chars if _kind(ch) == _MARK))
        if marks:
            for pattern, replacement in _mark_passes(marks):
                text, n = pattern.subn(replacement, text)
                changed += n
        if not changed:
            break
        normalized = _renormalize(text)
        if normalized == text:
            break
        text = normalized
        chars = set(text)
    return text, precut


def _bound(text: str, max_chars: int, cut: bool) -> str:
    """Rule 6: at most *max_chars* code points, ending in "…" when anything was cut."""
    if len(text) <= max_chars and not cut:
        return text
    if max_chars == 0:
        return ""
    end = min(len(text), max_chars - 1)
    # Keep clusters whole: a base keeps its marks, and an emoji ZWJ sequence
    # never ends in a ZWJ (which the next cleaning would then remove).
    while 0 < end < len(text) and (_kind(text[end]) == _MARK or text[end - 1] == _ZWJ):
        end -= 1
    # A prefix of NFC text is itself NFC, so no normalisation is needed here.
    return text[:end].rstrip() + _ELLIPSIS


def clean_text(value: str, *, max_chars: int = MAX_TEXT_CHARS) -> str:
    """Multi-line text: keeps "\\n" and "\\t", normalises "\\r\\n" and "\\r" to "\\n".

    Trailing whitespace goes, runs of more than two blank lines shrink to two,
    and at most MAX_LINES lines and *max_chars* code points are kept; a cut text
    ends with "…".
    """
    text, cut = _clean_chars(value, max_chars)
    text = _LEADING_BLANK_LINES.sub("\n\n", text.rstrip())
    text = _BLANK_LINES.sub("\n\n\n", text)
    if text.count("\n") >= MAX_LINES:
        text = "\n".join(text.split("\n", MAX_LINES)[:MAX_LINES])
        cut = True
    return _bound(text, max_chars, cut)


def clean_line(value: str, *, max_chars: int = MAX_LINE_CHARS) -> str:
    """One-line text: newlines and tabs become single spaces, runs of whitespace collapse, stripped.

    At most *max_chars* code points are kept; a cut text ends with "…".
    """
    text, cut = _clean_chars(value, max_chars)
    text = " ".join(text.split())  # split() breaks on exactly what \s and strip() see
    return _bound(text, max_chars, cut)
