"""``python -m bot`` is ``pokjanal``."""

from bot.cli import main

main()
