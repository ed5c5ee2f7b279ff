"""Mapping articles to the Roku Direct Publisher feed: items, rows (categories + playlists), root."""
