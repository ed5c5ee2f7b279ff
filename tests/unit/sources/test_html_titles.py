"""Titles: the visible headline, made whole from the publisher's sharing title when the page's
markup lost its punctuation or set a kicker apart."""

from __future__ import annotations

from packager.sources.html import extract_html_article

BODY = (
    "<p>" + "Der Ausschuss hat lange über die Folgen der Flut für die Region beraten. " * 8 + "</p>"
)


def _page(h1: str, og_title: str, site: str = "Tagesschau") -> bytes:
    return (
        f"<html><head><title>{og_title} | {site}</title>"
        f"<meta property='og:title' content='{og_title}'>"
        f"<meta property='og:site_name' content='{site}'></head>"
        f"<body><article><h1>{h1}</h1>{BODY}</article></body></html>"
    ).encode()


def title_of(content: bytes) -> str:
    return extract_html_article(content, origin="p.html").title


def test_headline_split_over_two_elements_keeps_its_colon() -> None:
    h1 = "<span class='kicker'>Ausschuss zur Ahrtal-Flut</span><span>Zwei Rücktritte</span>"
    assert title_of(_page(h1, "Ausschuss zur Ahrtal-Flut: Zwei Rücktritte")) == (
        "Ausschuss zur Ahrtal-Flut: Zwei Rücktritte"
    )


def test_a_kicker_the_page_sets_apart_is_kept() -> None:
    page = _page(
        "Trump nominiert Bondi als Justizministerin",
        "Nach Gaetz-Rückzug: Trump nominiert Bondi als Justizministerin",
        site="news.ORF.at",
    )
    assert title_of(page) == "Nach Gaetz-Rückzug: Trump nominiert Bondi als Justizministerin"


def test_the_site_name_is_no_kicker() -> None:
    page = _page("Zwei Rücktritte im Ausschuss", "Tagesschau: Zwei Rücktritte im Ausschuss")
    assert title_of(page) == "Zwei Rücktritte im Ausschuss"


def test_typography_of_the_visible_headline_is_kept() -> None:
    page = _page("Mexico to fight ‘illogical’ tariffs", "Mexico to fight 'illogical' tariffs")
    assert title_of(page) == "Mexico to fight ‘illogical’ tariffs"


def test_a_rewritten_sharing_title_does_not_replace_a_confirmed_headline() -> None:
    page = _page("Zwei Rücktritte im Ausschuss", "Flut-Ausschuss: Was jetzt passiert").replace(
        b"<title>Flut-Ausschuss: Was jetzt passiert", b"<title>Zwei R\xc3\xbccktritte im Ausschuss"
    )
    assert title_of(page) == "Zwei Rücktritte im Ausschuss"


def _head_only(metas: str, h1: str = "Site logo") -> bytes:
    return (
        f"<html><head><title>Page | Site</title>{metas}</head>"
        f"<body><header><h1>{h1}</h1></header><article>{BODY}</article></body></html>"
    ).encode()


def test_a_meta_naming_several_rdfa_terms_counts_for_each() -> None:
    metas = "<meta property='og:title twitter:title' content='Flood inquiry: two resign'>"
    assert title_of(_head_only(metas)) == "Flood inquiry: two resign"


def test_a_dublin_core_title_confirms_the_headline() -> None:
    # The <h1> alone is no proof (it may be a logo); a Dublin Core title agreeing with it is.
    metas = "<meta property='dc:title' content='Flood inquiry: two resign'>"
    assert title_of(_head_only(metas, h1="Flood inquiry: two resign")) == (
        "Flood inquiry: two resign"
    )
    metas = "<meta name='DCTERMS.title' content='Flood inquiry: two resign'>"
    assert title_of(_head_only(metas, h1="Flood inquiry: two resign")) == (
        "Flood inquiry: two resign"
    )
