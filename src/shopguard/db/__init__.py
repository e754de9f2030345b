"""Database access: SQLModel tables, the async engine, migrations."""
