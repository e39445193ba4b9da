"""The only code that writes SQL: one aiosqlite connection, migrations, repositories."""
