"""The web page of a variant, from the same resolved document the PDF renderer takes."""
from .page import BUDGET_KB, Other, PageLinks, render_page
from .style import font_files

__all__ = ["render_page", "PageLinks", "Other", "font_files", "BUDGET_KB"]
