"""render/html: takes a resolved document and its theme and gives the web page."""
from .page import BUDGET_KB, Other, PageLinks, render_page
from .style import font_files

__all__ = ["render_page", "PageLinks", "Other", "font_files", "BUDGET_KB"]
