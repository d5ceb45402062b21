"""The secretariat's web console: server-rendered pages under /konsol/ on the bot's HTTP server."""
