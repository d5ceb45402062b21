"""One catalogue per language: ``id`` (default) and ``en``. Keys must match across files."""
