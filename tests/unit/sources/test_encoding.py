"""How page bytes become text: each step of the encoding decision, and no mojibake."""

from __future__ import annotations

import codecs

import pytest

from packager.sources.html import extract_html_article
from packager.sources.html.encoding import decide_encoding, decode_html

GERMAN = "Ausschuss für Übergänge: Straßenbahn fährt wieder"
SPANISH = "La sanción llegó después de la votación"
CHINESE = "北京市政府宣布新的交通管理措施"
BODY = " ".join(["Der Ausschuss hat über die Flut und ihre Folgen für die Region beraten."] * 8)


def page(title: str, *, meta: str = "", body: str = BODY) -> str:
    head = f'<meta charset="{meta}">' if meta else ""
    return (
        f"<html><head>{head}<title>{title}</title></head>"
        f"<body><article><h1>{title}</h1><p>{body}</p></article></body></html>"
    )


def test_bom_wins_over_everything() -> None:
    content = codecs.BOM_UTF16_LE + page(GERMAN, meta="iso-8859-1").encode("utf-16-le")
    assert decide_encoding(content, "iso-8859-1") == ("utf-16-le", "bom")
    assert GERMAN in decode_html(content, "iso-8859-1")
    utf8 = codecs.BOM_UTF8 + page(GERMAN).encode()
    assert decode_html(utf8).startswith("<html>")


def test_http_charset_comes_before_the_bytes_and_the_page() -> None:
    content = page(GERMAN, meta="utf-8").encode("iso-8859-15")
    assert decide_encoding(content, "ISO-8859-15") == ("iso8859-15", "http")
    assert GERMAN in decode_html(content, "ISO-8859-15")


def test_http_charset_that_cannot_read_the_bytes_is_passed_over() -> None:
    # Server says UTF-8 (a default), the bytes are latin-1 and the page says so.
    content = page(GERMAN, meta="iso-8859-1").encode("latin-1")
    assert decide_encoding(content, "utf-8") == ("cp1252", "declared")
    assert GERMAN in decode_html(content, "utf-8")


@pytest.mark.parametrize("declared", ["iso-8859-1", "iso-8859-15", "GB2312", "windows-1252"])
def test_utf8_bytes_under_a_stale_legacy_declaration_stay_utf8(declared: str) -> None:
    for text in (GERMAN, SPANISH, CHINESE):
        content = page(text, meta=declared).encode("utf-8")
        assert decide_encoding(content) == ("utf-8", "utf-8")
        decoded = decode_html(content)
        assert text in decoded
        assert "Ã" not in decoded and "\ufffd" not in decoded


def test_a_latin1_page_stays_latin1() -> None:
    content = page(SPANISH, meta="iso-8859-1", body=SPANISH * 10).encode("latin-1")
    assert decide_encoding(content) == ("cp1252", "declared")
    article = extract_html_article(content, origin="latin1.html")
    assert article.title == SPANISH
    assert "Ã" not in " ".join(article.body)


def test_windows_1252_punctuation_under_a_latin1_label() -> None:
    content = page("It’s “quoted” – yes", meta="iso-8859-1").encode("cp1252")
    assert "It’s “quoted” – yes" in decode_html(content)


def test_gb2312_page_declared_gb2312() -> None:
    content = page(CHINESE, meta="gb2312", body=CHINESE * 20).encode("gb2312")
    assert decide_encoding(content) == ("gb18030", "declared")
    assert CHINESE in decode_html(content)


def test_undeclared_legacy_page_is_detected() -> None:
    text = "Глава правительства заявил о новых мерах поддержки экономики страны. " * 20
    content = page("Новости", body=text).encode("cp1251")
    assert decide_encoding(content).evidence == "detected"
    assert text.strip() in decode_html(content)


def test_unknown_labels_are_ignored() -> None:
    content = page(GERMAN, meta="x-no-such-charset").encode("utf-8")
    assert decide_encoding(content, "bogus") == ("utf-8", "utf-8")


def test_xml_declaration_counts_as_the_page_declaration() -> None:
    content = (
        '<?xml version="1.0" encoding="ISO-8859-1"?>' + page(SPANISH, body=SPANISH * 5)
    ).encode("latin-1")
    assert decide_encoding(content) == ("cp1252", "declared")
