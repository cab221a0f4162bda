"""handoutpress: patient handouts from structured YAML to tagged, accessible PDFs."""
__version__ = "0.2.0"
