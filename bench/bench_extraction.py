"""Score packager's page extraction against extraction corpora, next to trafilatura.

Usage: python bench/bench_extraction.py [CORPUS_DIR ...]
  (default: ../shared/extraction-corpus, tests/extraction-corpus-fundus and
  tests/extraction-corpus-more)

Pages are reported in two parts: "tuned" (pages the heuristics were developed on: the shared
corpus and the pages marked "tuned") and "untouched" (pages marked "untouched", never looked
at while tuning), so overfitting shows as a gap between the two.

Fields: title, publication date (by calendar day), lead image (URL without scheme and query),
caption recall (on pages whose ground truth annotates captions) and body token F1. The
baseline is plain `trafilatura.extract` + `trafilatura.extract_metadata` on the same bytes.
The corpus is test data: nothing from it is copied into the package.
"""

from __future__ import annotations

import dataclasses
import gzip
import json
import re
import sys
import time
import unicodedata
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from urllib.parse import parse_qsl, unquote, urlsplit

import trafilatura
from lxml import html as lxml_html

from packager.errors import SourceError
from packager.sources.html import decode_html, extract_html_article, same_title, title_sources

DEFAULT_CORPUS = Path(__file__).resolve().parent.parent.parent / "shared" / "extraction-corpus"
FUNDUS_CORPUS = Path(__file__).resolve().parent.parent / "tests" / "extraction-corpus-fundus"
# naeb and readability pages beyond the shared corpus (bench/make_title_corpus.py).
MORE_CORPUS = Path(__file__).resolve().parent.parent / "tests" / "extraction-corpus-more"
# Text decoded with the wrong charset: UTF-8 read as Latin-1/Windows-1252 ("fÃ¼r", "â€™"),
# and bytes no charset could read (U+FFFD).
MOJIBAKE = re.compile(
    "[ÃÂ][\u0080-\u00bf\u2018-\u203a\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6\u02dc]|â€|\ufffd"
)
_SEPARATORS = "|-–—:·•»"


@dataclass(frozen=True)
class Truth:
    """The ground truth of one corpus page, in one shape whatever its source corpus."""

    page_id: str
    html: Path
    url: str
    title: str = ""
    part: str = "tuned"
    day: date | None = None
    cover_images: tuple[tuple[str, ...], ...] = ()  # each cover picture: its version URLs
    captions: tuple[str, ...] = ()
    body: str = ""


@dataclass(frozen=True)
class Prediction:
    """What one extractor said about a page."""

    title: str = ""
    published: datetime | None = None
    lead_image: str = ""
    captions: tuple[str, ...] = ()
    body: str = ""
    seconds: float = 0.0  # CPU time of this process: stable on a busy machine

    def mojibake(self) -> bool:
        """True when any text holds a sign of a wrong charset."""
        return any(MOJIBAKE.search(text) for text in (self.title, self.body, *self.captions))


def page_bytes(path: Path) -> bytes:
    """A corpus page as fetched (pages may be stored gzip-compressed)."""
    data = path.read_bytes()
    return gzip.decompress(data) if path.suffix == ".gz" else data


@dataclass
class Scores:
    """Per-field hits and totals for one extractor over the corpus."""

    hits: Counter[str] = field(default_factory=Counter)
    totals: Counter[str] = field(default_factory=Counter)
    body_f1: list[float] = field(default_factory=list)
    seconds: list[float] = field(default_factory=list)
    misses: dict[str, list[str]] = field(default_factory=dict)
    mojibake: list[str] = field(default_factory=list)

    def rate(self, name: str) -> float:
        if name == "body_f1":
            return sum(self.body_f1) / len(self.body_f1) if self.body_f1 else 0.0
        return self.hits[name] / self.totals[name] if self.totals[name] else 0.0

    def add(self, name: str, ok: bool, page_id: str) -> None:
        self.totals[name] += 1
        if ok:
            self.hits[name] += 1
        else:
            self.misses.setdefault(name, []).append(page_id)


# -- ground truth ------------------------------------------------------------------------------


def load_truths(corpus: Path) -> list[Truth]:
    """Every page of the corpus with its ground truth, read from manifest.json."""
    manifest = json.loads((corpus / "manifest.json").read_text(encoding="utf-8"))
    truths = []
    for page in manifest["pages"]:
        data = json.loads((corpus / page["ground_truth"]).read_text(encoding="utf-8"))
        html_path = corpus / page["html"]
        source = page["source"]
        url = page.get("url") or data.get("url") or data.get("link") or ""
        if source == "fundus":
            truths.append(_fundus_truth(page["id"], html_path, url, data["ground_truth"]))
        elif source == "zyte-aeb":
            truths.append(Truth(page["id"], html_path, url, body=data.get("articleBody", "")))
        elif source == "naeb":
            truths.append(
                Truth(
                    page["id"],
                    html_path,
                    url,
                    title=data.get("title", ""),
                    day=_day(data.get("date")),
                    body=data.get("text", ""),
                )
            )
        elif source == "readability":
            expected = (
                corpus / page["expected_html"]
                if "expected_html" in page
                else html_path.with_name(html_path.stem + ".expected.html")
            )
            body = ""
            if expected.is_file():
                body = lxml_html.fromstring(page_bytes(expected)).text_content()
            truths.append(
                Truth(
                    page["id"],
                    html_path,
                    url,
                    title=data.get("title") or "",
                    day=_day(data.get("publishedTime")),
                    body=body,
                )
            )
    # Each page's part as the manifest gives it (pages without one are tuned).
    parts = [page.get("part", "tuned") for page in manifest["pages"]]
    return [
        dataclasses.replace(truth, part=part) for truth, part in zip(truths, parts, strict=True)
    ]


def _fundus_truth(page_id: str, html_path: Path, url: str, gt: dict) -> Truth:
    body_parts = list(gt.get("body", {}).get("summary", []))
    for section in gt.get("body", {}).get("sections", []):
        body_parts += section.get("headline", []) + section.get("paragraphs", [])
    images = gt.get("images", [])
    covers = tuple(
        tuple(v["url"] for v in image.get("versions", []) if v.get("url"))
        for image in images
        if image.get("is_cover")
    )
    captions = tuple(image["caption"] for image in images if image.get("caption"))
    return Truth(
        page_id,
        html_path,
        url,
        title=gt.get("title", ""),
        day=_day(gt.get("publishing_date")),
        cover_images=covers,
        captions=captions,
        body="\n".join(body_parts),
    )


def _day(value: object) -> date | None:
    if not isinstance(value, str) or not re.match(r"\d{4}-\d{2}-\d{2}", value):
        return None
    return date.fromisoformat(value[:10])


# -- normalisation and matching ----------------------------------------------------------------


def tokens(text: str) -> list[str]:
    """Words, case-folded and NFKC-normalised, for token-level comparisons."""
    return re.findall(r"\w+", unicodedata.normalize("NFKC", text).casefold())


def title_matches(predicted: str, truth: str) -> bool:
    """Nearly the same words (token F1 >= 0.9: "The", punctuation, case), or one is the
    other plus a part after a separator (a site name or kicker: "Title | Site")."""
    a = " ".join(tokens(predicted))
    b = " ".join(tokens(truth))
    if not a or not b:
        return False
    if a == b or token_f1(a, b) >= 0.9:
        return True
    short, long_raw = (predicted, truth) if len(a) < len(b) else (truth, predicted)
    short_norm = " ".join(tokens(short))
    for part in re.split(rf"\s+[{re.escape(_SEPARATORS)}]\s+", long_raw):
        if " ".join(tokens(part)) == short_norm:
            return True
    return False


def day_matches(predicted: datetime | None, truth: date) -> bool:
    """Same calendar day, in the page's own offset or in UTC."""
    if predicted is None:
        return False
    return truth in (predicted.date(), predicted.astimezone(UTC).date())


def image_key(url: str) -> str:
    """An image URL without scheme, query and fragment: size parameters don't change it."""
    url = url.strip().split("#", 1)[0].split("?", 1)[0]
    return re.sub(r"^(?:https?:)?//", "", url).rstrip("/").lower()


_SIZE_SEGMENT = re.compile(r"^(?:\d+x\d+|[whq]_?\d+|\d+)$", re.IGNORECASE)


def picture_key(url: str) -> tuple[str, str]:
    """(site domain, file name) of an image URL: one picture in different renditions.

    CDNs put sizes and crops in the path ("/640x360", "/thumb/1200x900/") or wrap the
    original in a `url=` parameter; the file name of the original stays the same.
    """
    parts = urlsplit(url.strip())
    inner = dict(parse_qsl(parts.query)).get("url", "")
    if inner.startswith(("http://", "https://")):
        return picture_key(inner)
    segments = [s for s in parts.path.split("/") if s and not _SIZE_SEGMENT.match(s)]
    domain = ".".join((parts.hostname or "").split(".")[-2:])
    return domain, (segments[-1].lower() if segments else "")


def same_picture(predicted: str, versions: Sequence[str]) -> bool:
    """`predicted` is one of the versions, or the same file in another rendition."""
    if not predicted:
        return False
    if image_key(predicted) in {image_key(v) for v in versions}:
        return True
    key = picture_key(predicted)
    return bool(key[1]) and key in {picture_key(v) for v in versions}


# An image id in a URL: a hex or digit run of at least 6 characters with at least 4 digits,
# not a date ("20240503") and not a size.
_IMAGE_ID = re.compile(r"(?<![0-9a-f])[0-9a-f]{6,}(?![0-9a-f])", re.IGNORECASE)
_DATE_LIKE = re.compile(r"^(?:19|20)\d{2}(?:0[1-9]|1[0-2])(?:[0-3]\d)?$")  # 202506, 20250602


def same_photo(predicted: str, versions: Sequence[str]) -> bool:
    """`predicted` shows the same photo as one of the versions, maybe in another crop or
    through an image service: same picture (`same_picture`), or a URL that ends with the
    other's path (a resizer wrapping the original), or the same image id in both paths
    ("…/17835497/…/master-social/…" and "…/17835497/…/master-3_2/…")."""
    if same_picture(predicted, versions):
        return True
    ours = unquote(urlsplit(predicted.strip()).path).lower()
    for version in versions:
        theirs = unquote(urlsplit(version.strip()).path).lower()
        if _path_tail(ours, theirs) >= 2 or _image_ids(ours) & _image_ids(theirs):
            return True
    return False


def _path_tail(a: str, b: str) -> int:
    """How many trailing path segments `a` and `b` share (a wrapper keeps the original's)."""
    shared = 0
    for x, y in zip(reversed(a.split("/")), reversed(b.split("/")), strict=False):
        if not x or x != y:
            break
        shared += 1
    return shared


def _image_ids(path: str) -> set[str]:
    return {
        token
        for token in _IMAGE_ID.findall(path)
        if sum(c.isdigit() for c in token) >= 4 and not _DATE_LIKE.match(token)
    }


def caption_found(truth: str, predicted: Sequence[str]) -> bool:
    """At least 80% of the caption's words appear in one predicted caption."""
    wanted = Counter(tokens(truth))
    if not wanted:
        return True
    total = sum(wanted.values())
    for caption in predicted:
        got = Counter(tokens(caption))
        if sum((wanted & got).values()) / total >= 0.8:
            return True
    return False


def token_f1(predicted: str, truth: str) -> float:
    """Bag-of-words F1 between two texts."""
    p, t = Counter(tokens(predicted)), Counter(tokens(truth))
    if not p or not t:
        return 1.0 if p == t else 0.0
    common = sum((p & t).values())
    if not common:
        return 0.0
    precision, recall = common / sum(p.values()), common / sum(t.values())
    return 2 * precision * recall / (precision + recall)


# -- extractors --------------------------------------------------------------------------------


def packager_predict(truth: Truth) -> Prediction:
    """packager's page reader on the saved page."""
    start = time.process_time()
    try:
        article = extract_html_article(
            page_bytes(truth.html), origin=str(truth.html), base_url=truth.url
        )
    except SourceError:
        return Prediction(seconds=time.process_time() - start)
    return Prediction(
        title=article.title,
        published=article.published,
        lead_image=article.images[0].location if article.images else "",
        captions=tuple(" ".join((i.caption, i.credit)) for i in article.images if i.caption),
        body="\n".join(article.body),
        seconds=time.process_time() - start,
    )


def trafilatura_predict(truth: Truth) -> Prediction:
    """Plain trafilatura on the same page (default settings), for comparison."""
    start = time.process_time()
    text = decode_html(page_bytes(truth.html))
    body = trafilatura.extract(text, url=truth.url or None) or ""
    meta = trafilatura.extract_metadata(text, default_url=truth.url or None)
    published = None
    if meta is not None and meta.date:
        published = datetime.fromisoformat(meta.date[:10]).replace(tzinfo=UTC)
    return Prediction(
        title=(meta.title or "") if meta is not None else "",
        published=published,
        lead_image=(meta.image or "") if meta is not None else "",
        body=body,
        seconds=time.process_time() - start,
    )


def score(truths: Sequence[Truth], predict: object) -> Scores:
    """Score one extractor (a function Truth → Prediction) over the corpus."""
    assert callable(predict)
    scores = Scores()
    if truths:
        predict(truths[0])  # lazy imports inside trafilatura/htmldate: not a page's time
    for truth in truths:
        prediction: Prediction = predict(truth)
        scores.seconds.append(prediction.seconds)
        if prediction.mojibake():
            scores.mojibake.append(truth.page_id)
        if truth.title:
            scores.add("title", title_matches(prediction.title, truth.title), truth.page_id)
        if truth.day:
            scores.add("date", day_matches(prediction.published, truth.day), truth.page_id)
        if truth.cover_images:
            ok = any(same_picture(prediction.lead_image, v) for v in truth.cover_images)
            scores.add("lead_image", ok, truth.page_id)
            ok = any(same_photo(prediction.lead_image, v) for v in truth.cover_images)
            scores.add("lead_photo", ok, truth.page_id)
        for caption in truth.captions:
            scores.add("captions", caption_found(caption, prediction.captions), truth.page_id)
        if truth.body:
            scores.body_f1.append(token_f1(prediction.body, truth.body))
    return scores


def title_ceiling(truths: Sequence[Truth]) -> tuple[int, int, list[tuple[str, str]]]:
    """The best title score any rule could reach that chooses among a page's own title
    sources by which of them agree with which (the kind of rule packager uses).

    Pages are grouped by their agreement pattern (which sources are empty and which name the
    same title); a rule can only pick one source per pattern, so each pattern scores the pages
    of its best source. Returns (reachable, pages, conflicts): the conflicts are pairs of
    pages with the same pattern whose ground truths want different sources.
    """
    by_pattern: dict[tuple[object, ...], list[tuple[str, frozenset[str]]]] = {}
    total = 0
    for truth in truths:
        if not truth.title:
            continue
        total += 1
        sources = title_sources(page_bytes(truth.html), origin=str(truth.html))
        names = list(sources)
        pattern = tuple(
            None
            if not sources[name]
            else next(
                i
                for i, other in enumerate(names)
                if same_title(sources[name], sources[other]) or other == name
            )
            for name in names
        )
        right = frozenset(n for n in names if sources[n] and title_matches(sources[n], truth.title))
        by_pattern.setdefault(pattern, []).append((truth.page_id, right))
    reachable = 0
    conflicts: list[tuple[str, str]] = []
    for pages in by_pattern.values():
        counts = Counter(name for _, right in pages for name in right)
        best = counts.most_common(1)[0][0] if counts else None
        reachable += sum(best in right for _, right in pages)
        for page_id, right in pages:
            if best not in right:
                winner = "" if not right else next((p for p, r in pages if best in r), "")
                conflicts.append((page_id, winner))
    return reachable, total, conflicts


FIELDS = ("title", "date", "lead_image", "lead_photo", "captions", "body_f1")


def table(results: dict[str, Scores]) -> str:
    """A plain-text table: one row per field, one column per extractor."""
    names = list(results)
    lines = [f"{'field':<12}" + "".join(f"{n:>14}" for n in names) + f"{'pages':>8}"]
    first = results[names[0]]
    for name in FIELDS:
        row = f"{name:<12}" + "".join(f"{results[n].rate(name):>14.1%}" for n in names)
        count = len(first.body_f1) if name == "body_f1" else first.totals[name]
        lines.append(row + f"{count:>8}")
    lines.append(f"{'mojibake':<12}" + "".join(f"{len(results[n].mojibake):>14}" for n in names))
    lines.append(
        f"{'max cpu s/pg':<12}"
        + "".join(f"{max(results[n].seconds, default=0):>14.2f}" for n in names)
    )
    return "\n".join(lines)


def main(argv: Sequence[str]) -> int:
    corpora = [Path(arg) for arg in argv] or [
        c for c in (DEFAULT_CORPUS, FUNDUS_CORPUS, MORE_CORPUS) if (c / "manifest.json").is_file()
    ]
    truths = [truth for corpus in corpora for truth in load_truths(corpus)]
    print(f"{len(truths)} pages from {', '.join(str(c) for c in corpora)}")
    for part in ("tuned", "untouched"):
        chosen = [truth for truth in truths if truth.part == part]
        if chosen:
            report_part(part, chosen)
    return 0


def report_part(part: str, truths: Sequence[Truth]) -> None:
    """The score table, title ceiling and misses of one part of the corpus."""
    results = {
        "packager": score(truths, packager_predict),
        "trafilatura": score(truths, trafilatura_predict),
    }
    print(f"\n== {part}: {len(truths)} pages ==\n")
    print(table(results))
    reachable, total, conflicts = title_ceiling(truths)
    if total:
        print(
            f"\ntitle ceiling for rules that choose by which sources agree: "
            f"{reachable}/{total} = {reachable / total:.1%}"
        )
    for page_id, other in conflicts:
        print(
            f"  {page_id}: "
            + (
                f"same pattern as {other}, whose truth is another source"
                if other
                else "no source gives the true title"
            )
        )
    misses = dict(results["packager"].misses)
    if results["packager"].mojibake:
        misses["mojibake"] = results["packager"].mojibake
    if misses:
        print("\npackager misses:")
        for name, pages in misses.items():
            print(f"  {name}: {', '.join(sorted(set(pages)))}")


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
