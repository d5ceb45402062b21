"""Composition root: settings, CLI, the application factory, the demo.

python-telegram-bot 22 deprecates integer ``retry_after`` in favour of ``timedelta``; opting
in now keeps a 429 a ``RetryAfter`` (not a deprecation warning) and matches the next major.
"""

import os

os.environ.setdefault("PTB_TIMEDELTA", "true")
