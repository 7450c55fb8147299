"""Properties of the report-text sanitiser shared by the server and the console."""

from __future__ import annotations

import time
import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crm_text.sanitize import (
    MAX_COMBINING_RUN,
    MAX_LINE_CHARS,
    MAX_LINES,
    MAX_TEXT_CHARS,
    clean_line,
    clean_text,
)

ZWJ = "\u200d"
ELLIPSIS = "\u2026"

BIDI = set("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c")
INVISIBLE = set(
    "\u200b\u200c\u2060\u2061\u2062\u2063\u2064\ufeff\u00ad\u180e\u3164\uffa0\u115f\u1160\u034f\u17b4\u17b5"
) | {chr(c) for c in range(0xE0000, 0xE0080)}
VARIATION_SELECTORS = {chr(c) for c in range(0xFE00, 0xFE10)} | {chr(c) for c in range(0xE0100, 0xE01F0)}

# Characters that must never get through, plus characters whose handling
# depends on their neighbours (ZWJ, variation selectors, marks, jamo that
# compose under NFC) and a few ordinary ones to give them context.
DANGEROUS = [
    "\x00",
    "\x07",
    "\x08",
    "\x0b",
    "\x0c",
    "\x1b",
    "\x1f",
    "\x7f",
    "\x85",
    "\x9b",
    "\x9c",
    "\x9d",
    "\x90",
    "\r",
    "\n",
    "\t",
    "\r\n",
    "\u2028",
    "\u2029",
    *sorted(BIDI),
    "\u200b",
    "\u200c",
    "\u200d",
    "\u2060",
    "\u2064",
    "\ufeff",
    "\u00ad",
    "\u180e",
    "\u3164",
    "\uffa0",
    "\u115f",
    "\u1160",
    "\u034f",
    "\u17b4",
    "\u17b5",
    "\U000e0001",
    "\U000e0067",
    "\U000e007f",
    "\ufe0f",
    "\ufe0e",
    "\ufe00",
    "\U000e0100",
    "\u0301",
    "\u0300",
    "\u0323",
    "\u0335",
    "\u0344",
    "\u0f73",
    "\u20e3",
    "\u0e35",
    "\u0e48",
    "\u1100",
    "\u1161",
    "\u11a8",
    "\u0b47",
    "\u0b3e",
    "\u212b",
    "\u0958",
    "\u00d9",
    "\u01db",
    "\ue000",
    "\U000f0000",
    "\U0010fffd",
    "\ufdd0",
    "\uffff",
    "\u0378",
    "\ud800",
    "\udfff",
    "\u00a0",
    "\u3000",
    "\u2003",
    "\u0600",
    "\U000110bd",
    "\U0001f468",
    "\U0001f469",
    "\U0001f467",
    "\u2764",
    "\U0001f3fd",
    "\U0001f3f3",
    "\U0001f308",
    "\U0001f408",
    "\u2b1b",
    "\U0001f1ee",
    "\U0001f1e9",
    "\u2026",
    "e",
    "a",
    "Z",
    "1",
    " ",
    "  ",
    "[",
    "]",
    "/",
    ";",
    "\u9053",
    "\u00e9",
    "\x1b]0;pwned\x07",
    "\x1b]52;c;ZXZpbA==\x07",
    "\x1b[2J",
    "\U0001f468\u200d\U0001f469",
]

dangerous_text = st.lists(st.one_of(st.sampled_from(DANGEROUS), st.characters()), max_size=60).map("".join)
any_text = st.one_of(st.text(), dangerous_text)
bounds = st.one_of(st.none(), st.integers(min_value=0, max_value=40))


def _is_emoji(ch: str) -> bool:
    cp = ord(ch)
    return (
        0x2190 <= cp <= 0x21FF
        or 0x2300 <= cp <= 0x23FF
        or 0x2600 <= cp <= 0x27BF
        or 0x2B00 <= cp <= 0x2BFF
        or 0x1F000 <= cp <= 0x1FAFF
    )


def _is_mark(ch: str) -> bool:
    return unicodedata.combining(ch) != 0 or unicodedata.category(ch) in ("Mn", "Me")


def _assert_safe(out: str, *, one_line: bool) -> None:
    for i, ch in enumerate(out):
        cp = ord(ch)
        if one_line:
            assert cp >= 0x20, repr(out)
        else:
            assert cp >= 0x20 or ch in "\n\t", repr(out)
        assert cp != 0x7F and not 0x80 <= cp <= 0x9F, repr(out)
        assert ch not in BIDI and ch not in INVISIBLE, repr(out)
        assert ch not in "\u2028\u2029\r", repr(out)
        category = unicodedata.category(ch)
        assert category not in ("Co", "Cs", "Cn"), repr(out)
        if ch == ZWJ:
            left = out[i - 1] if i else ""
            if left == "\ufe0f" and i >= 2:
                left = out[i - 2]
            assert left and _is_emoji(left), repr(out)
            assert i + 1 < len(out) and _is_emoji(out[i + 1]), repr(out)
        else:
            assert category != "Cf", repr(out)
        if ch in VARIATION_SELECTORS:
            assert i > 0 and not out[i - 1].isspace() and not _is_mark(out[i - 1]), repr(out)


def _assert_marks_bounded(out: str) -> None:
    run = 0
    for i, ch in enumerate(out):
        if _is_mark(ch):
            assert i > 0 and not out[i - 1].isspace(), repr(out)
            run += 1
            assert run <= MAX_COMBINING_RUN, repr(out)
        else:
            run = 0


def _call(fn, value: str, bound: int | None) -> str:
    return fn(value) if bound is None else fn(value, max_chars=bound)


# --- properties ---------------------------------------------------------


@settings(max_examples=300, deadline=None)
@given(any_text, bounds)
def test_clean_text_output_is_safe(value: str, bound: int | None) -> None:
    out = _call(clean_text, value, bound)
    _assert_safe(out, one_line=False)
    _assert_marks_bounded(out)
    assert len(out) <= (MAX_TEXT_CHARS if bound is None else bound)
    assert unicodedata.is_normalized("NFC", out)
    assert out == out.rstrip()
    assert out.count("\n") < MAX_LINES
    assert "\n\n\n\n" not in out


@settings(max_examples=300, deadline=None)
@given(any_text, bounds)
def test_clean_line_output_is_safe(value: str, bound: int | None) -> None:
    out = _call(clean_line, value, bound)
    _assert_safe(out, one_line=True)
    _assert_marks_bounded(out)
    assert len(out) <= (MAX_LINE_CHARS if bound is None else bound)
    assert unicodedata.is_normalized("NFC", out)
    assert out == out.strip()
    assert not any(ch.isspace() and ch != " " for ch in out)
    assert "  " not in out


@settings(max_examples=300, deadline=None)
@given(any_text, bounds)
def test_clean_text_is_idempotent(value: str, bound: int | None) -> None:
    once = _call(clean_text, value, bound)
    assert _call(clean_text, once, bound) == once


@settings(max_examples=300, deadline=None)
@given(any_text, bounds)
def test_clean_line_is_idempotent(value: str, bound: int | None) -> None:
    once = _call(clean_line, value, bound)
    assert _call(clean_line, once, bound) == once


@settings(max_examples=300, deadline=None)
@given(any_text)
def test_cleaned_line_survives_clean_text_unchanged(value: str) -> None:
    # The console may run clean_text over a field the server cleaned as a line.
    line = clean_line(value)
    assert clean_text(line) == line


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.sampled_from(["ab", "c d", "\u00e9", "\u9053", "\U0001f6a7", "[b]", "x.y"]), max_size=30).map("".join)
)
def test_plain_text_passes_unchanged(value: str) -> None:
    assert clean_text(value) == value
    assert clean_line(value) == value


# --- examples -----------------------------------------------------------

BENIGN = [
    "Jalan berlubang di depan SDN 01 Cideng, sudah 2 minggu belum diperbaiki.",
    "道路に穴があります",
    "🚧🕳️ jalan rusak 👨‍👩‍👧",
    "café",
    "[@click=app.quit]x[/]",
    "[/bold]",
    "[link=http://evil]click[/link] [red]x[/red]",
    "🏳️‍🌈 ❤️‍🔥 🐈‍⬛ 🧑🏽‍💻 #️⃣ 🇮🇩",
    "ที่นี่ क्षत्रिय Tiếng Việt",
]


@pytest.mark.parametrize("value", BENIGN)
def test_benign_text_passes_unchanged(value: str) -> None:
    assert unicodedata.is_normalized("NFC", value)
    assert clean_text(value) == value
    assert clean_line(value) == value


@pytest.mark.parametrize(
    ("value", "leftover"),
    [
        ("\x1b]0;pwned\x07", "]0;pwned"),  # window title
        ("\x1b]52;c;ZXZpbA==\x07", "]52;c;ZXZpbA=="),  # clipboard write
        ("\x1b]8;;http://x\x1b\\link\x1b]8;;\x1b\\", "]8;;http://x\\link]8;;\\"),  # hyperlink
        ("\x1b[2J", "[2J"),  # clear screen
        ("\x9b31m", "31m"),  # 8-bit CSI
        ("\x1bP+q544e\x1b\\", "P+q544e\\"),  # DCS
        ("\x9d0;t\x9c", "0;t"),  # 8-bit OSC and ST
        ("a\x00b\x08c\x7fd\x85e", "abcde"),
    ],
)
def test_escape_sequences_lose_their_control_bytes(value: str, leftover: str) -> None:
    assert clean_text(value) == leftover
    assert clean_line(value) == leftover


def test_bidi_controls_are_removed() -> None:
    spoof = "invoice\u202egnp.exe \u2066x\u2069 \u200fy\u200e \u061cz"
    assert clean_text(spoof) == "invoicegnp.exe x y z"
    assert clean_line(spoof) == "invoicegnp.exe x y z"


@pytest.mark.parametrize(
    "value",
    [
        "\u200b\u200c\u200d\u2060\ufeff",
        "\u00ad\u180e\u3164\uffa0\u115f\u1160\u034f\u17b4\u17b5",
        "\U000e0001\U000e0067\U000e0062\U000e007f",
        "\ufe0f\ufe0e\U000e0100",
        "\u0301\u0301",
        "\ue000\U000f0000\ufdd0\uffff\u0378\ud800",
        " \u200b \n\u200d\t",
    ],
)
def test_invisible_only_input_becomes_empty(value: str) -> None:
    assert clean_text(value) == ""
    assert clean_line(value) == ""


def test_zwj_kept_only_between_emoji() -> None:
    assert clean_line("a\u200db") == "ab"
    assert clean_line("\U0001f468\u200d") == "\U0001f468"
    assert clean_line("\u200d\U0001f468") == "\U0001f468"
    assert clean_line("\U0001f468\u200d\u200d\U0001f469") == "\U0001f468\U0001f469"
    assert clean_line("\U0001f3f3\ufe0f\u200d\U0001f308") == "\U0001f3f3\ufe0f\u200d\U0001f308"


def test_variation_selectors_need_a_base() -> None:
    assert clean_line("\ufe0fa") == "a"
    assert clean_line("x \ufe0fa") == "x a"
    assert clean_line("\u2764\ufe0f") == "\u2764\ufe0f"
    assert clean_line("\u2764\ufe0f\ufe0f\ufe0e") == "\u2764\ufe0f"
    assert clean_line("e\u0301\ufe0f") == "\u00e9\ufe0f"  # composed é is a base
    assert clean_line("e\u0335\ufe0f") == "e\u0335"


def test_tag_characters_are_removed() -> None:
    england = "\U0001f3f4\U000e0067\U000e0062\U000e0065\U000e006e\U000e0067\U000e007f"
    assert clean_line(england) == "\U0001f3f4"
    assert clean_line("ok\U000e0041\U000e0042") == "ok"


def test_line_and_paragraph_separators() -> None:
    assert clean_text("a\u2028b\u2029c") == "a\nb\nc"
    assert clean_line("a\u2028b\u2029c") == "a b c"


def test_newline_normalisation_and_whitespace() -> None:
    assert clean_text("a\r\nb\rc\n\td \t ") == "a\nb\nc\n\td"
    assert clean_line("  a\r\n\tb \u00a0 c  ") == "a b c"
    assert clean_text("a\n\n\n\n\nb") == "a\n\n\nb"
    assert clean_text("\n \n\t\n \nb") == "\n\nb"
    assert clean_text("a\n \n\nb") == "a\n \n\nb"  # two blank lines are kept as they are


def test_removal_recomposes() -> None:
    assert clean_line("e\u200b\u0301") == "\u00e9"
    assert clean_line("\u1100\u200b\u1161") == "\uac00"
    # Dropping BS lets the dot below sort before the grave, which splits "Ù"
    # into "Ụ" plus a new grave mark; the mark limit must still apply.
    out = clean_line("\u00d9\x08\u0323\u0308\u0301")
    assert out == "\u1ee4\u0300\u0308"
    assert clean_line(out) == out


def test_combining_flood_is_bounded() -> None:
    out = clean_text("e" + "\u0301" * 200)
    # NFC makes "é" the base, then two marks may follow it.
    assert out == "\u00e9\u0301\u0301"
    assert sum(map(_is_mark, out)) <= MAX_COMBINING_RUN
    zalgo = "Z" + "\u0336\u0337\u0338\u0489" * 50 + "a" + "\u0300" * 30
    out = clean_line(zalgo)
    _assert_marks_bounded(out)
    assert len(out) == 2 + 2 * MAX_COMBINING_RUN


def test_combining_marks_without_base_are_dropped() -> None:
    assert clean_line("\u0301abc") == "abc"
    assert clean_text("a\n\u0301b") == "a\nb"
    assert clean_line("a \u0301b") == "a b"


def test_truncation_marks_the_cut_and_keeps_clusters() -> None:
    assert clean_line("abcdef", max_chars=4) == "abc" + ELLIPSIS
    assert clean_line("abcd", max_chars=4) == "abcd"
    assert clean_line("ab   cdef", max_chars=4) == "ab" + ELLIPSIS  # whitespace collapses first
    assert clean_line("abc", max_chars=1) == ELLIPSIS
    assert clean_line("abc", max_chars=0) == ""
    family = "\U0001f468\u200d\U0001f469\u200d\U0001f467"
    for bound in range(1, len(family) + 2):
        out = clean_line(family + "xyz", max_chars=bound)
        assert len(out) <= bound
        assert not out.rstrip(ELLIPSIS).endswith(ZWJ)
    out = clean_line("ab\u0301\u0302cd", max_chars=3)
    assert out == "a" + ELLIPSIS


def test_rejects_bad_arguments() -> None:
    with pytest.raises(TypeError):
        clean_text(None)  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        clean_line("x", max_chars=-1)


def _mixed_megabyte() -> str:
    pieces = [
        "Jalan berlubang di depan SDN 01 Cideng, sudah 2 minggu belum diperbaiki. ",
        "道路に穴があります。",
        "🚧🕳️ jalan rusak 👨‍👩‍👧 ",
        "cafe\u0301 e\u0301\u0301\u0301\u0301 ",
        "\x1b]0;pwned\x07\u202e\u200b\r\n",
        "ที่นี่ क्षत्रिय ",
        "\n\n\n\n",
    ]
    out = "".join(pieces[i % len(pieces)] for i in range(30_000))
    return (out * (1_000_000 // len(out) + 1))[:1_000_000]


@pytest.mark.slow
def test_megabyte_input_is_bounded_and_fast() -> None:
    text = _mixed_megabyte()
    start = time.perf_counter()
    out = clean_text(text)
    line = clean_line(text)
    full = clean_text(text, max_chars=len(text))
    elapsed = time.perf_counter() - start
    assert len(out) <= MAX_TEXT_CHARS and out.endswith(ELLIPSIS)
    assert len(line) <= MAX_LINE_CHARS and line.endswith(ELLIPSIS)
    assert full.count("\n") < MAX_LINES and full.endswith(ELLIPSIS)
    _assert_safe(out, one_line=False)
    _assert_safe(full, one_line=False)
    # Generous: catches quadratic behaviour, not machine speed.
    assert elapsed < 3.0


@pytest.mark.slow
def test_long_mark_runs_stay_linear() -> None:
    # Unicode normalisation reorders a run of marks quadratically; mixed
    # combining classes make the worst case.
    marks = [chr(c) for c in range(0x0300, 0x0370)] + ["\u0591", "\u05b0", "\u093c", "\u094d"]
    flood = "a" + "".join(marks[(i * 7) % len(marks)] for i in range(300_000))
    start = time.perf_counter()
    out = clean_text(flood, max_chars=len(flood))
    hidden = clean_text("a" + "\u200b".join(marks * 2_000), max_chars=10**6)
    elapsed = time.perf_counter() - start
    _assert_marks_bounded(out)
    _assert_marks_bounded(hidden)
    assert len(out) <= 1 + MAX_COMBINING_RUN and len(hidden) <= 1 + MAX_COMBINING_RUN
    assert elapsed < 3.0


def test_many_lines_are_limited() -> None:
    text = "\n".join(f"baris {i}" for i in range(10_000))
    out = clean_text(text, max_chars=len(text))
    assert out.count("\n") == MAX_LINES - 1
    assert out.endswith("baris 1999" + ELLIPSIS)
    assert clean_text(out, max_chars=len(text)) == out
    assert len(clean_text(text)) <= MAX_TEXT_CHARS


def test_oversized_junk_is_cut_before_work() -> None:
    assert clean_line("\u200b" * 1_000_000) == ELLIPSIS
    assert clean_text("a" * 100_000, max_chars=10) == "a" * 9 + ELLIPSIS
