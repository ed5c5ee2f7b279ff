"""Article readers, one per input kind; each yields `Article`s or `SourceError` values."""
