"""The last step of every reader: article text made safe to show (see `packager.cleantext`)."""

from __future__ import annotations

import dataclasses

from packager.cleantext import clean_paragraphs, clean_text, strip_controls
from packager.errors import SourceError
from packager.model import Article, Image
from packager.sources.text import normalise_credit

# The most pictures of one article that are used: each becomes a thumbnail to make (and often
# to download) and a photo of the article's video. A photo gallery runs to a few dozen.
MAX_ARTICLE_IMAGES = 30


def clean_article(article: Article) -> Article:
    """`article` with controls, escapes and bidi overrides stripped from every text field,
    whitespace made single, invisible-only values emptied, and at most MAX_ARTICLE_IMAGES
    pictures (the first ones).

    Raises SourceError when nothing visible is left of the title (a blank tile on the TV).
    """
    title = clean_text(article.title)
    if not title:
        raise SourceError(
            f"no title: {article.origin} — the title {article.title!r} shows nothing "
            "(empty, or only invisible or control characters)",
            location=article.origin,
            hint="give the article a visible headline",
        )
    warnings = list(article.warnings)
    if len(article.images) > MAX_ARTICLE_IMAGES:
        warnings.append(
            f"{len(article.images):,} pictures: kept the first {MAX_ARTICLE_IMAGES} (each "
            "becomes a thumbnail and a photo of the article's video)"
        )
    return dataclasses.replace(
        article,
        title=title,
        summary=clean_text(article.summary),
        body=clean_paragraphs(article.body),
        section_path=clean_paragraphs(article.section_path),
        authors=clean_paragraphs(article.authors),
        tags=clean_paragraphs(article.tags),
        images=tuple(_clean_image(image) for image in article.images[:MAX_ARTICLE_IMAGES]),
        warnings=tuple(strip_controls(warning) for warning in warnings),
    )


def _clean_image(image: Image) -> Image:
    return dataclasses.replace(
        image,
        caption=clean_text(image.caption),
        credit=normalise_credit(clean_text(image.credit)),
        alt=clean_text(image.alt),
    )
