"""load: takes the files on disk (handouts, clinic, layouts, translations, fonts, logos) and gives the typed model and themes, every value with its place."""
