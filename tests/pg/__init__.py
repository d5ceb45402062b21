"""Tests against a real PostgreSQL server, started per test session from the Debian packages."""
