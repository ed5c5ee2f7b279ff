"""The reporters: output that stays valid and safe whatever text the input held."""

from __future__ import annotations

import io
import json

from packager.errors import ExitCode
from packager.report import error_document, printable, write_json


def test_json_output_with_a_lone_surrogate_is_valid_utf8_json() -> None:
    out = io.StringIO()
    write_json({"title": "Bad \ud800 title", "name": "Café 中"}, out)
    text = out.getvalue()
    text.encode("utf-8")  # would raise on a raw surrogate
    assert json.loads(text) == {"title": "Bad \ud800 title", "name": "Café 中"}
    assert "Café 中" in text  # other text stays readable


def test_printable_escapes_controls_surrogates_and_bidi_overrides_only() -> None:
    assert printable("plain é 中 text") == "plain é 中 text"
    assert (
        printable("a\x1b[31mb\x00c\u202ed\ud800e\u00a0f")
        == "a\\x1b[31mb\\x00c\\u202ed\\ud800e\u00a0f"
    )


def test_the_error_document_leads_with_error_hint_and_exit_code() -> None:
    document = error_document("it broke", "fix it", ExitCode.BAD_INPUT, {"exitCode": 9, "x": 1})
    assert document == {"error": "it broke", "hint": "fix it", "exitCode": 4, "x": 1}
