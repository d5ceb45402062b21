"""Alembic migrations, shipped inside the package so `pokjanal db upgrade` works anywhere."""
