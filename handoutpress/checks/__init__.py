"""checks: takes a resolved variant and its theme and gives Problems, one module per family (reading, plain language, contrast, glyphs, clinic, review, ...)."""
