"""publish: takes the handouts folder and gives out/ (checked and rendered PDFs written atomically, manifest, catalog) and serves it."""
