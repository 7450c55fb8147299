"""All SQL lives below this package: the API layer never builds a query itself."""
