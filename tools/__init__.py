"""Developer tools: the research importer, and the browser harness shared by tests/e2e and bench/."""
