"""Time: the clock, planners and the delivery engine (issue 3). Knows nothing of Telegram."""
