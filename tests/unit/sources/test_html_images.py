"""Pictures and captions: srcset URLs with commas, <picture> renditions as one picture."""

from __future__ import annotations

from packager.sources.html import extract_html_article
from packager.sources.media import largest_srcset, srcset_candidates

BODY = "<p>" + "The story goes on with facts and quotes from the people involved. " * 8 + "</p>"


def test_srcset_urls_may_hold_commas() -> None:
    srcset = (
        "https://img.example/a.jpeg?width=680&crop=6604,4403,x0,y0 680w, "
        "https://img.example/a.jpeg?width=1360&crop=6604,4403,x0,y0 1360w"
    )
    assert largest_srcset(srcset) == "https://img.example/a.jpeg?width=1360&crop=6604,4403,x0,y0"
    assert list(srcset_candidates("a.jpg 1x,b.jpg 2x, c.jpg,")) == [
        ("a.jpg", "1x"),
        ("b.jpg", "2x"),
        ("c.jpg", ""),
    ]


def test_figures_whose_srcsets_hold_commas_keep_their_own_captions() -> None:
    figures = "".join(
        f"<figure><img src='data:image/gif;base64,R0lGOD' srcset='https://img.example/{n}.jpeg"
        f"?w=600&crop=10,20,x0,y0 600w'><figcaption>Caption {n}</figcaption></figure>"
        for n in range(3)
    )
    page = (
        f"<html><head><title>T</title></head><body><article>{BODY}{figures}</article></body></html>"
    )
    images = extract_html_article(page.encode(), origin="p.html").images
    assert [i.caption for i in images] == ["Caption 0", "Caption 1", "Caption 2"]


def test_a_picture_elements_renditions_are_one_picture_for_a_caption() -> None:
    block = (
        "<div class='image-ct'><picture>"
        "<source media='(min-width: 1280px)' srcset='https://cdn.example/up/720/405/wray.jpg, "
        "https://cdn.example/up/1440/810/wray.jpg 2x'>"
        "<img src='https://cdn.example/up/640/320/wray.jpg' alt='Wray'></picture></div>"
        "<div class='info'><div class='caption'><p><span>The director listens.</span> "
        "<span>(AP Photo/Carolyn Kaster)</span></p></div></div>"
    )
    page = f"<html><head><title>T</title></head><body><article>{BODY}<div>{block}</div>{BODY}</article></body></html>"
    (image,) = extract_html_article(page.encode(), origin="p.html").images
    assert (image.caption, image.credit) == ("The director listens.", "AP Photo/Carolyn Kaster")


def test_a_figcaption_set_beside_its_figure_is_its_caption() -> None:
    block = (
        "<div class='fp-image'><figure><img src='https://img.example/demo.jpeg' width='800'>"
        "</figure><figcaption class='fp-image-info'><span>Demonstration in September.</span>"
        "<span class='credit'>AP/dpa</span></figcaption></div>"
    )
    page = f"<html><head><title>T</title></head><body><article>{BODY}{block}{BODY}</article></body></html>"
    (image,) = extract_html_article(page.encode(), origin="p.html").images
    assert (image.caption, image.credit) == ("Demonstration in September.", "AP/dpa")


def test_a_picture_linked_to_the_sites_photo_viewer_keeps_its_caption() -> None:
    block = (
        "<div class='block'><div class='image'><a href='/article_photo/list?article_id=1&pid=2'>"
        "<img src='https://static.example/image/1_1.jpg' alt='x'></a></div>"
        "<p class='caption'>The suspect leaves the police station.</p></div>"
    )
    teaser = (
        "<div class='block'><div class='image'><a href='/bildung/other-story'>"
        "<img src='https://static.example/image/9_1.jpg' alt='y'></a></div>"
        "<p class='caption'>A teaser of another story.</p></div>"
    )
    page = (
        f"<html><head><title>T</title></head><body><article>{BODY}{block}{BODY}{teaser}"
        "</article></body></html>"
    )
    images = extract_html_article(
        page.encode(), origin="p.html", base_url="https://news.example/a"
    ).images
    assert [i.caption for i in images] == ["The suspect leaves the police station."]


def test_a_pictures_title_attribute_is_its_caption_when_the_page_has_no_caption_markup() -> None:
    block = (
        "<div class='not-prose'><img class='w-full' src='https://img.example/0488.jpg' "
        "title='The head teacher welcomed only 14 of 75 children' alt='Head teacher' "
        "width='800' height='400'></div>"
        "<nav><img src='https://img.example/logo.png' title='Back to the home page'></nav>"
        "<img src='https://img.example/zoom.png' title='Zoom' width='800'>"
    )
    page = f"<html><head><title>T</title></head><body><article>{BODY}{block}{BODY}</article></body></html>"
    images = extract_html_article(page.encode(), origin="p.html").images
    assert [(i.location, i.caption) for i in images] == [
        ("https://img.example/0488.jpg", "The head teacher welcomed only 14 of 75 children")
    ]


def test_a_caption_right_after_its_picture_in_a_container_that_goes_on() -> None:
    block = (
        "<div class='article'><picture><source type='image/webp' "
        "srcset='https://img.example/images/640/360/q_80/1072476.webp 640w'>"
        "<img src='https://img.example/images/960/540/q_80/1072476.jpg'></picture>"
        "<figcaption><span>Kawasaki will not race in 2025, Foto: LAT Images</span></figcaption>"
        f"<section class='article-body'>{BODY}{BODY}</section></div>"
    )
    page = (
        "<html><head><title>T</title><meta property='og:image' "
        "content='https://img.example/images/1200/630/1072476.jpg'></head>"
        f"<body>{block}</body></html>"
    )
    (image,) = extract_html_article(page.encode(), origin="p.html").images
    # One picture: og:image and the figure's renditions (sizes in the path, .webp) merged.
    assert image.location == "https://img.example/images/1200/630/1072476.jpg"
    assert (image.caption, image.credit) == ("Kawasaki will not race in 2025", "LAT Images")


def test_a_picture_block_of_divs_is_a_figure() -> None:
    block = (
        "<div class='image_image-widget__x'><span class='image_image__y'><picture>"
        "<img src='https://img.example/image/450a2c=w700'></picture></span>"
        "<p><span>Rubbish piles up in the city centre</span></p>"
        "<p>Image: City Municipality / Facebook</p></div>"
        "<div class='image-gallery'><img src='https://img.example/g1.jpg'>"
        "<img src='https://img.example/g2.jpg'><p>Two pictures, one text</p></div>"
    )
    page = f"<html><head><title>T</title></head><body><article>{BODY}{block}{BODY}</article></body></html>"
    images = extract_html_article(page.encode(), origin="p.html").images
    assert [(i.caption, i.credit) for i in images] == [
        ("Rubbish piles up in the city centre", "City Municipality / Facebook")
    ]


def _after_header_and_before_video(header: str, video: str) -> bytes:
    block = (
        f"<div class='article'>{header}<picture>"
        "<img src='https://img.example/images/960/540/q_80/1072476.jpg'></picture>"
        "<figcaption><span>Kawasaki will not race in 2025, Foto: LAT Images</span></figcaption>"
        f"<section class='article-body'>{BODY}{video}{BODY}</section></div>"
    )
    return f"<html><head><title>T</title></head><body>{block}</body></html>".encode()


def test_a_figcaption_after_its_picture_is_its_caption_despite_a_portrait_and_a_video() -> None:
    # An author's portrait in the header before it is no gallery; a video later on is not the
    # picture the <figcaption> right after it describes.
    header = (
        "<header><h1>Kawasaki leaves the championship at the end of the season</h1>"
        "<div class='author'><img src='https://img.example/authors/tobias-2x.png' width='96'>"
        "<span>By Tobias, motorsport editor, who has covered superbike racing since 2012 and "
        "reports from every round of the championship in Europe, Australia and Asia</span>"
        "</div></header>"
    )
    video = "<iframe src='https://video.example/embed/1'></iframe>"
    images = extract_html_article(
        _after_header_and_before_video(header, video), origin="p.html"
    ).images
    assert [(i.caption, i.credit) for i in images] == [
        ("Kawasaki will not race in 2025", "LAT Images")
    ]


def test_a_figcaption_after_pictures_with_no_text_between_them_belongs_to_a_gallery() -> None:
    gallery = "<img src='https://img.example/images/a/1072470.jpg' width='800'>"
    images = extract_html_article(
        _after_header_and_before_video(gallery, ""), origin="p.html"
    ).images
    assert not any(i.caption for i in images)


def test_a_picture_linked_to_a_page_named_after_its_file_keeps_its_caption() -> None:
    # The site's viewer of this photo ("/pluralphoto/<file name>/") is no teaser.
    figure = (
        "<figure><a href='/pluralphoto/20241203-OYT1I50202/'>"
        "<img src='/media/2024/12/20241203-OYT1I50202-1.jpg?type=large' width='1000'></a>"
        "<figcaption>People watch the president's address on television</figcaption></figure>"
    )
    teaser = (
        "<figure><a href='/world/20241203-OYT1T50218/'>"
        "<img src='/media/2024/12/20241203-OYT1I50203-T.jpg' width='1000'></a>"
        "<figcaption>Another story</figcaption></figure>"
        "<figure><a href='/world/20241203/other-story/'>"
        "<img src='/media/20241203.jpg' width='1000'></a>"
        "<figcaption>A story of the same day</figcaption></figure>"
    )
    page = (
        f"<html><head><title>T</title></head><body><article>{BODY}{figure}{BODY}{teaser}"
        "</article></body></html>"
    )
    images = extract_html_article(
        page.encode(), origin="p.html", base_url="https://news.example/world/a/"
    ).images
    assert [i.caption for i in images] == ["People watch the president's address on television"]


def test_caption_classes_in_other_languages_name_captions() -> None:
    blocks = "".join(
        f"<div class='media'><img src='https://img.example/{n}.jpg' width='800'>"
        f"<div class='info'><p class='{cls}'>Caption number {n} under the picture</p></div></div>"
        + BODY
        for n, cls in enumerate(("infotext", "bildunterschrift", "didascalia", "pie-de-foto"))
    )
    page = (
        f"<html><head><title>T</title></head><body><article>{BODY}{blocks}</article></body></html>"
    )
    images = extract_html_article(page.encode(), origin="p.html").images
    assert [i.caption for i in images] == [
        f"Caption number {n} under the picture" for n in range(4)
    ]
