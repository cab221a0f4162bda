"""designer: takes a layout or handout and gives the designer's loop (watch, preview PNGs, specimen, layout show, visual diffs)."""
