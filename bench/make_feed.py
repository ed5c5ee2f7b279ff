"""Generate a large, valid Roku feed for benchmarks: `python bench/make_feed.py N OUT`."""

from __future__ import annotations

import json
import random
import sys
from pathlib import Path

WORDS = [
    "harbor",
    "council",
    "vote",
    "storm",
    "road",
    "budget",
    "school",
    "transit",
    "market",
    "river",
    "bridge",
    "police",
    "election",
    "mayor",
    "weather",
    "festival",
    "museum",
    "rail",
    "housing",
    "court",
    "hospital",
    "climate",
]


def make_feed(count: int, seed: int = 7) -> dict[str, object]:
    rng = random.Random(seed)

    def sentence(words: int) -> str:
        return " ".join(rng.choice(WORDS) for _ in range(words)).capitalize() + "."

    items = []
    for index in range(count):
        item_id = f"a{index:08d}"
        items.append(
            {
                "id": item_id,
                "title": sentence(7)[:-1],
                "content": {
                    "dateAdded": f"2026-{1 + index % 12:02d}-{1 + index % 28:02d}T08:00:00+00:00",
                    "videos": [
                        {
                            "url": f"https://cdn.example.com/videos/{item_id}.mp4",
                            "quality": "HD",
                            "videoType": "MP4",
                            "bitrate": 2500,
                        }
                    ],
                    "duration": 30 + index % 600,
                    "captions": [
                        {
                            "url": f"https://cdn.example.com/captions/{item_id}.vtt",
                            "language": "en",
                            "captionType": "SUBTITLE",
                        }
                    ],
                },
                "thumbnail": f"https://cdn.example.com/images/{item_id}.jpg",
                "shortDescription": sentence(20)[:200],
                "longDescription": (sentence(30) + " " + sentence(30))[:500],
                "releaseDate": f"2026-{1 + index % 12:02d}-{1 + index % 28:02d}",
                "genres": ["news"],
                "tags": [rng.choice(WORDS), "latest"],
            }
        )
    return {
        "providerName": "Benchmark News",
        "lastUpdated": "2026-11-28T00:00:00+00:00",
        "language": "en",
        "shortFormVideos": items,
        "categories": [{"name": "Latest", "query": "latest", "order": "most_recent"}],
        "playlists": [{"name": "Top", "itemIds": [item["id"] for item in items[:20]]}],
    }


if __name__ == "__main__":
    count, out = int(sys.argv[1]), Path(sys.argv[2])
    out.write_text(json.dumps(make_feed(count), indent=1), encoding="utf-8")
    print(f"wrote {out} ({out.stat().st_size:,} bytes, {count} items)")
