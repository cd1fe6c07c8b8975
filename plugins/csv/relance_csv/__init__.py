"""relance connector: csv."""
