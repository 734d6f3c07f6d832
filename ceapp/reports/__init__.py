"""Reports built from the database: what a steering group reads."""
