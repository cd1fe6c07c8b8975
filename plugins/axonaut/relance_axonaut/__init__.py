"""relance connector: axonaut."""
