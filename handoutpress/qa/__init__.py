"""qa: takes a finished PDF file and gives Findings (our tagged-PDF rules by family, and the external validators) for the tests."""
