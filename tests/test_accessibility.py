"""Every published PDF is tagged and checked, and its structure tree reads like the article.

Issue 3's "Done when". Each test runs once per PDF in the manifest of the session build
(conftest.py), so a new variant is checked without touching this file. The structure tree is
read back with poppler's `pdfinfo -struct-text`, which prints each element's kids in /K order
with the text of its marked content: what a screen reader walking the tags gets.
"""
from __future__ import annotations

import functools
import re
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

import pdfplumber
import pikepdf
import pytest
import yaml

from conftest import HANDOUT, ROOT, normalise
from handoutpress.labels import labels_for
from handoutpress.qa.pdfcheck import check_tagged_pdf
from handoutpress.qa.tools import run_pdfua, run_qpdf_check

PAGE_OF = re.compile(r"Page \d+ of \d+")


# ---------------------------------------------------------------- the checkers


def test_own_tagging_rules(manifest_pdf):
    assert check_tagged_pdf(manifest_pdf) == []


def test_qpdf_check(manifest_pdf):
    assert run_qpdf_check(manifest_pdf) == []


def test_pdfua_rules(manifest_pdf):
    """No pdfua findings. The withdrawal-symptom grid is declared `kind: grid` (a grid of items, no
    column headings), so it is tagged as a list and UA-15-003 (a table without header cells) has
    nothing to report; a table declared with `header:` gets TH cells with Scope."""
    assert run_pdfua(manifest_pdf) == []


# ---------------------------------------------------------------- reading the structure tree


@dataclass(eq=False)
class Elem:
    role: str
    inline: bool = False
    parts: list = field(default_factory=list)  # str (marked-content text) | Elem, in /K order

    def elements(self, depth=0):
        """(depth, element) for this element's descendants, in reading order."""
        for part in self.parts:
            if isinstance(part, Elem):
                yield depth, part
                yield from part.elements(depth + 1)

    def chunks(self) -> list[str]:
        """The text as a reader joins it: block elements are separate, inline ones run on."""
        out = [""]

        def visit(elem):
            for part in elem.parts:
                if isinstance(part, str):
                    out[-1] += part
                elif part.inline:
                    visit(part)
                else:
                    out.append("")
                    visit(part)
                    out.append("")

        visit(self)
        return [c for c in out if c.strip()]

    @property
    def text(self) -> str:
        return normalise(" ".join(self.chunks()))


def read_struct_tree(path: Path) -> Elem:
    """The structure tree as pdfinfo prints it, under a nameless root.

    pdfinfo indents two spaces per level; an element line is 'Role [(block|inline)][:]',
    attribute lines start with '/', text lines are quoted (not escaped), annotation references
    read 'Object n g'. A text line belongs to the element one level up, in the position printed.
    """
    pdfinfo = shutil.which("pdfinfo")
    assert pdfinfo, "pdfinfo is not installed (Debian package poppler-utils)"
    result = subprocess.run([pdfinfo, "-enc", "UTF-8", "-struct-text", str(path)],
                            capture_output=True, timeout=60, check=True)
    root = Elem("")
    stack: list[tuple[int, Elem]] = [(-1, root)]
    for line in result.stdout.decode("utf-8").splitlines():
        body = line.lstrip(" ")
        if not body or body.startswith("/") or body == "(No content)" or re.fullmatch(r"Object \d+ \d+", body):
            continue
        depth = (len(line) - len(body)) // 2
        while stack[-1][0] >= depth:
            stack.pop()
        owner = stack[-1][1]
        if body.startswith('"') and body.endswith('"') and len(body) >= 2:
            owner.parts.append(body[1:-1])
            continue
        elem = Elem(re.match(r"[^\s:]+", body).group(0), inline="(inline)" in body)
        owner.parts.append(elem)
        stack.append((depth, elem))
    return root


@functools.cache
def _cached_tree(path: str) -> Elem:
    return read_struct_tree(Path(path))


@pytest.fixture
def struct_tree(manifest_pdf) -> Elem:
    """Read once per file (pdfinfo takes over a second); tests must not change it."""
    return _cached_tree(str(manifest_pdf))


# ---------------------------------------------------------------- the expected outline

# Written by hand from the article (shared/source/benzodiazepines-article.txt) and the
# handout's YAML, not dumped from a PDF. One line per structure element, indented two spaces
# per level, as "Role text": the element's text (its own and its descendants', in reading
# order) must start with the text given; for headings, labels and table cells it must equal
# it. Two shorthands for list items:
#   "* text"   an LI holding Lbl "•" and LBody "text" (anything indented under the line at
#              two more levels sits inside that LBody, e.g. a nested L);
#   "3. text"  the same with the label "3.";
#   "- text"   an LI holding only LBody "text" (an item of a grid, which prints no label).
EXPECTED_OUTLINE = """
Document
  Figure
  H1 Benzodiazepines
  P How they work, how addiction happens, and how treatment helps
  P Benzodiazepines are commonly known as “Benzos”. They are a type of depressant drug
  L
    * Anxiety disorders
    * Insomnia
    * Seizures
    * Alcohol withdrawal
    * Premedication for medical procedures
  P Read on to learn more about how they work
  Sect
    H2 How Benzos Work
    P Benzodiazepines enhance the effect of the neurotransmitter GABA
    L
      * Sedative
      * Hypnotic
      * Anti-anxiety
      * Anti-convulsant
    P They work by blocking excessive nerve activity
  Sect
    H2 Common Benzodiazepines
    P There are many forms of benzos.
  Sect
    H2 How Does Addiction to Benzos Happen?
    P Addiction to benzos develops through a complex interplay
      Link
    Sect
      H3 Brain Mechanisms
      L
        * Changes to GABA Receptors: Benzos enhance the effect
        * Activation of Dopamine System: Benzos increase the firing of dopamine.
        * Development of Tolerance: With prolonged use, tolerance
            L
              * Reduction in the sensitivity of GABA receptors
              * Increased sensitivity of excitatory neurotransmitters such as certain glutamate receptors
              * Decrease in the number of GABA receptors
              * Potential long-term changes in genetic coding of brain cells
        * Physical Dependence: As tolerance develops
    Sect
      H3 Clinical Progression of Addiction
      L
        * Initial Therapeutic Use: Benzos are often prescribed
        * Escalation of Use: As tolerance develops
        * Withdrawal Avoidance: Continued use becomes tied
        * Compulsive Use: Despite negative consequences
        * Cross-Addiction: Benzos addiction often co-occurs
  Sect
    H2 Risk Factors
    P There are a number of factors that are risky
    L
      * History of substance abuse
      * Prolonged use (even at therapeutic doses)
      * Genetic predisposition
      * Co-occurring mental health disorders
      * Environmental and social factors
    P While dependence can occur in most patients
  Sect
    H2 Benzos Addiction Treatment
    P Benzos addiction can develop due to their potential
    P For many people, the degree of support required
    P This support should include information about benzos
      Link
    P Treatment typically involves a comprehensive approach.
    L
      * Medical Detox: Detox should be done under medical supervision
      * Therapy: Cognitive Behavioral Therapy (CBT) is often used.
      * Withdrawal Management: The withdrawal process can last
      * Long-term Support: Ongoing support and counseling
  Sect
    H2 Withdrawal Symptoms
    P Withdrawal can be dangerous if not properly managed.
      Link
      Link
    L
      - Anxiety
      - Sensitivity to light, sound, and smells
      - Confusion or memory loss
      - Depression
      - Nausea and vomiting
      - Hallucinations
      - Dizziness or unsteadiness
      - Sleep problems or nightmares
      - Delusions
      - Stomach cramps
      - Loss of appetite
      - A burning feeling on your skin
      - Head, face, neck, eye, or tongue pain
      - Loss of sex drive
      - Seizures
      - A bad taste in your mouth
      - Fast heartbeat, high blood pressure, sweating & shaking
      - More serious withdrawal symptoms include seizures and psychotic reactions
  Div
    H2 Trauma-Informed Therapies at Maple Mountain Mental Health and Wellness
    P Addiction and Trauma can feel isolating and overwhelming
    P Maple Mountain Mental Health & Wellness Center has a compassionate team
    P We understand the complex nature of trauma
    P Call admissions:
      Link
    P Visit:
      Link
    P Email:
      Link
    P Latest version:
      Link
    Figure
  Div
    P This handout is available in large print.
    P This handout does not replace advice from your care team.
    P Version 1.0, reviewed by Maple Mountain clinical team on November 26, 2026.
  Sect
    H2 Sources
    L
      1. Tan KR, Brown M, Labouèbe G
      2. Ashton H. 1994. The treatment of benzodiazepine dependence.
      3. Pétursson H. 1994. The benzodiazepine withdrawal syndrome.
      4. Davis S. 2024. Benzodiazepine Abuse. WebMD.
"""

EXACT_ROLES = {"H1", "H2", "H3", "H4", "H5", "H6", "Lbl", "TD", "TH"}


def expected_outline() -> list[tuple[int, str, str]]:
    rows = []
    for line in EXPECTED_OUTLINE.strip("\n").splitlines():
        body = line.lstrip(" ")
        depth = (len(line) - len(body)) // 2
        label, _, text = body.partition(" ")
        if label == "-":
            rows += [(depth, "LI", ""), (depth + 1, "LBody", text)]
        elif label == "*" or re.fullmatch(r"\d+\.", label):
            rows += [(depth, "LI", ""), (depth + 1, "Lbl", "•" if label == "*" else label),
                     (depth + 1, "LBody", text)]
        else:
            rows.append((depth, label, text))
    return rows


def _matched(actual: list[tuple[int, str, str]], expected: list[tuple[int, str, str]]):
    """actual, with each text replaced by the expected one where it matches (for a readable diff)."""
    shown = []
    for i, (depth, role, text) in enumerate(actual):
        if i < len(expected):
            want = expected[i][2]
            exact = role in EXACT_ROLES
            if (text == want) if exact else text.startswith(want):
                text = want
        shown.append((depth, role, text if len(text) <= 90 else text[:90] + "..."))
    return shown


def _is_benzodiazepines_patient_text(entry: dict) -> bool:
    # the admissions variant adds its appointment box first: tests/test_email_ready.py reads that one
    return entry["handout"] == HANDOUT and entry["audience"] == "patient" and entry["language"] == "en" \
        and entry["variant"] != "admissions"


def test_structure_tree_reads_like_the_article(manifest_entry, manifest_pdf, struct_tree):
    """H1, the article's headings as H2/H3, the lists (nested one inside its item's LBody),
    the 6 x 3 grid of symptoms as a list read row by row, the call to action as a Div, the numbered sources, in reading order."""
    if not _is_benzodiazepines_patient_text(manifest_entry):
        pytest.skip("the expected outline is written for the English patient benzodiazepines handout")
    actual = [(depth, elem.role, elem.text) for depth, elem in struct_tree.elements()]
    expected = expected_outline()
    if manifest_entry["variant"] == "large-print":  # large print offers no large print: its closing line is gone
        expected = [row for row in expected if not row[2].startswith("This handout is available")]
    assert _matched(actual, expected) == expected


def test_figure_has_alt_text_naming_the_clinic(manifest_pdf):
    clinic = yaml.safe_load((ROOT / "handouts" / "clinic.yaml").read_text("utf-8"))["name"]
    with pdfplumber.open(manifest_pdf) as pdf:
        tree = pdf.structure_tree

    def figures(nodes):
        for node in nodes:
            if node["type"] == "Figure":
                yield node
            yield from figures(node.get("children", []))

    found = list(figures(tree))
    assert found, "no Figure in the structure tree"
    assert all(node.get("alt_text") for node in found), "a Figure without Alt"
    assert any(clinic in node["alt_text"] for node in found), [n.get("alt_text") for n in found]


# ---------------------------------------------------------------- the text read from the tags


def test_words_are_not_run_together(article, manifest_entry, struct_tree):
    """Each heading, paragraph, bullet, cell and source of the article appears in the text read
    from the tags with its words apart ("a towel", never "atowel")."""
    if not _is_benzodiazepines_patient_text(manifest_entry):
        pytest.skip("compares with the article, which is the English patient text")
    text = " " + struct_tree.text + " "
    words = set(text.split())
    missing = {piece: [w for w in piece.split() if w not in words]
               for _, piece in article.pieces if f" {piece} " not in text}
    assert missing == {}, "pieces not found word for word; their words missing from the tag text shown"


def test_running_header_footer_and_page_numbers_are_artifacts(manifest_entry, manifest_pdf, struct_tree):
    """Page furniture is drawn as artifacts: none of it is in the text read from the tags."""
    words = labels_for(manifest_entry["language"])
    page_of = re.compile(rf"{re.escape(words['page'])} \d+ {re.escape(words['of'])} \d+")
    chunks = struct_tree.chunks()
    assert [c for c in chunks if PAGE_OF.search(c) or page_of.search(c)] == []
    assert [c for c in chunks if "Page 1 of" in c or words["next_review"] in c] == []
    # the footer's "<id> · Version 1.0" line (the closing block's own review sentence is content)
    footer_id = f"{manifest_entry['handout']} · {words['version']} {manifest_entry['version']}"
    assert [c for c in chunks if footer_id in c] == []
    # the running header (the title, on every page after the first) is not tagged: at most
    # the H1 has that text
    with pdfplumber.open(manifest_pdf) as pdf:
        if len(pdf.pages) < 2:
            return
        header = normalise((pdf.pages[1].extract_text() or "").splitlines()[0])
    assert not PAGE_OF.search(header) and not page_of.search(header), "page 2 has no running header"
    assert [elem.role for _, elem in struct_tree.elements() if elem.text == header] in ([], ["H1"])


# ---------------------------------------------------------------- lists, bookmarks and drafts


def _list_numbering(manifest_pdf) -> list[str]:
    """/ListNumbering of every L, in reading order ("" when it has none)."""
    out = []
    with pikepdf.open(manifest_pdf) as pdf:
        def walk(elem):
            if elem.get("/S") == pikepdf.Name.L:
                attrs = elem.get("/A")
                owned = attrs is not None and attrs.get("/O") == pikepdf.Name.List
                out.append(str(attrs.get("/ListNumbering", "")) if owned else "")
            kids = elem.get("/K")
            for kid in kids if isinstance(kids, pikepdf.Array) else [kids]:
                if isinstance(kid, pikepdf.Dictionary) and "/S" in kid:
                    walk(kid)
        walk(pdf.Root.StructTreeRoot.K[0])
    return out


def test_lists_say_how_their_items_are_labelled(manifest_pdf):
    """The sources list is numbered (/Decimal), as are steps; bulleted lists show discs; the symptom
    grid, checklists and glossaries have no labels."""
    numbering = _list_numbering(manifest_pdf)
    assert numbering[-1] == "/Decimal"
    assert "/Disc" in numbering[:-1] and set(numbering[:-1]) <= {"/Disc", "/Decimal", "/None"}, numbering


def test_the_title_is_the_first_bookmark(manifest_entry, manifest_pdf):
    with pikepdf.open(manifest_pdf) as pdf, pdf.open_outline() as outline:
        assert outline.root[0].title == manifest_entry["title"]


def test_a_draft_is_read_as_a_draft_first(manifest_entry, struct_tree):
    """Before the logo and the title, a screen reader hears "Draft - not for distribution" (in the
    variant's language); an approved handout never says it."""
    notice = labels_for(manifest_entry["language"])["draft_notice"]
    first = struct_tree.chunks()[0].strip()
    if manifest_entry["status"] == "approved":
        assert notice not in struct_tree.text
    else:
        assert first == notice
# ---------------------------------------------------------------- links and soft line breaks


def test_every_link_holds_its_text(manifest_pdf, struct_tree):
    """Each Link element sits inline in its paragraph holding the link's visible text (the
    annotation's OBJR beside it is checked by test_own_tagging_rules): nothing is left empty."""
    links = [elem for _, elem in struct_tree.elements() if elem.role == "Link"]
    assert links, "no Link element"
    assert [elem for elem in links if not elem.inline or not elem.text] == []


def test_patient_links_read_in_place(manifest_entry, struct_tree):
    """The citation markers, the contact lines and the web address are read inside their
    paragraph, at the place they are printed."""
    if not _is_benzodiazepines_patient_text(manifest_entry) or manifest_entry["variant"] != "patient":
        pytest.skip("written for the English patient benzodiazepines handout")
    links = [elem.text for _, elem in struct_tree.elements() if elem.role == "Link"]
    assert links == ["[1]", "[2]", "[3]", "[4]", "(555) 555-0142", "maplemountain.example.org",
                     "admissions@maplemountain.example.org", "maplemountain.example.org/handouts/benzodiazepines/patient.html"]
    paragraphs = {elem.text for _, elem in struct_tree.elements() if elem.role == "P"}
    assert "Call admissions: (555) 555-0142" in paragraphs
    assert any(p.endswith("Here are some common symptoms [3] [4]:") for p in paragraphs), paragraphs


def test_no_space_inside_a_word_split_over_two_lines(manifest_entry, struct_tree):
    """Large print wraps the handout's web address inside the word: read from the tags it stays
    one word, while words broken at a space keep their space."""
    if manifest_entry["variant"] != "large-print" or manifest_entry["handout"] != HANDOUT:
        pytest.skip("the web address wraps inside the word in the large-print benzodiazepines handout")
    text = struct_tree.text
    assert "Latest version: maplemountain.example.org/handouts/benzodiazepines" in text
    assert "hand outs" not in text
    assert "Benzos addiction can develop due to their potential" in text  # breaks at spaces keep them
