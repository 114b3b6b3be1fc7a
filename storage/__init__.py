"""SQLAlchemy models, the unit of work, queries, the outbox and Alembic migrations."""
