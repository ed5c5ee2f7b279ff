"""The same article gives the same MP4 bytes whatever the number of cores."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

SCRIPT = """
import os, random, sys
from pathlib import Path
from PIL import Image as PilImage
from packager.model import Article, Image
from packager.video import RenderOptions, render_article_video

os.sched_setaffinity(0, {int(cpu) for cpu in sys.argv[2].split(",")})
folder = Path(sys.argv[1])
photo = folder / "photo.jpg"
noise = random.Random(7).randbytes(400 * 225 * 3)  # the same picture in both processes
PilImage.frombytes("RGB", (400, 225), noise).resize((1600, 900)).save(photo)
article = Article(id="d", title="Same bytes", origin="d.txt", summary="One sentence.",
                  images=(Image("photo.jpg", caption="Noise", credit="Test"),))
options = RenderOptions(fps=10, min_title_seconds=1.0, min_photo_seconds=3.0,
                        min_page_seconds=1.0, tts_path="/nonexistent")
result = render_article_video(article, [photo], folder / "out", options, channel_name="C")
print(result.video_path)
"""


def render_on(cpus: set[int], folder: Path) -> bytes:
    root = Path(__file__).resolve().parents[3]
    folder.mkdir()
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT, str(folder), ",".join(str(cpu) for cpu in sorted(cpus))],
        cwd=root,
        env={**os.environ, "PYTHONPATH": str(root)},
        capture_output=True,
        text=True,
        check=True,
        timeout=300,
    )
    return (folder / "out" / done.stdout.strip().splitlines()[-1]).read_bytes()


@pytest.mark.slow
@pytest.mark.skipif(not hasattr(os, "sched_setaffinity"), reason="needs CPU affinity")
def test_one_core_and_all_cores_give_the_same_bytes(tmp_path: Path) -> None:
    cpus = os.sched_getaffinity(0)
    if len(cpus) < 2:
        pytest.skip("needs at least two cores to compare with one")
    one = render_on({min(cpus)}, tmp_path / "one")
    all_cores = render_on(cpus, tmp_path / "all")
    assert one == all_cores
