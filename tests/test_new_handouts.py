"""The two Maple Mountain drafts of issue 14 item 9, read back from the session build: what a reader
gets from the taper worksheet and the storage handout (tables to fill in, boxes, the picture, the
numbers to call), and that the catalog lists them."""
from __future__ import annotations

import re

import pikepdf
import pytest

from handoutpress.load.content import load_clinic
from test_blocks import elements, kids, page_texts, tree
from conftest import ROOT

TAPER, STORAGE = "benzodiazepine-taper-worksheet", "safe-storage-and-disposal"
SYMPTOMS = ["Trouble sleeping", "Anxiety or panic", "Low mood or irritable",
            "Muscle aches, twitching, or shaking", "Headache or sweating", "Something else (write it in)"]
# 911, 988, and the national lines the drafts verified: SAMHSA's Helpline, Poison Help
NATIONAL = {TAPER: {"911", "988", "1-800-662-4357"}, STORAGE: {"911", "988", "1-800-222-1222"}}


def _pdf(published, handout, variant):
    return published.path(published.entry(handout, variant))


def _tables(pdf):
    """Each Table as (caption, header, body rows) of cell texts."""
    out = []
    for table in (e for _, e in tree(pdf).elements() if e.role == "Table"):
        caption = [c.text for c in kids(table, "Caption")]
        header = [th.text for tr in kids(kids(table, "THead")[0], "TR") for th in kids(tr, "TH")]
        rows = [[td.text for td in kids(tr, "TD")] for tr in kids(kids(table, "TBody")[0], "TR")]
        out.append((caption[0] if caption else None, header, rows))
    return out


@pytest.mark.parametrize("handout", [TAPER, STORAGE])
@pytest.mark.parametrize("variant", ["patient", "large-print"])
def test_both_variants_are_published_as_drafts(published, handout, variant):
    entry = published.entry(handout, variant)
    assert entry["status"] == "draft" and entry["language"] == "en" and entry["audience"] == "patient"
    with pikepdf.open(published.path(entry)) as pdf:
        assert str(pdf.docinfo["/Title"]).startswith("DRAFT - ")
    assert "Draft - not for distribution" in page_texts(published.path(entry))[0]


@pytest.mark.parametrize("variant", ["patient", "large-print"])
def test_the_taper_schedule_and_the_diary_are_blank_tables_to_fill_in(published, variant):
    tables = _tables(_pdf(published, TAPER, variant))
    schedule, part1, part2 = tables
    assert schedule[0] == "Fill this in with your prescriber. Do not change a dose on your own."
    assert schedule[1] == ["Step", "Start date", "My dose each day (my prescriber writes this)", "How I felt"]
    assert schedule[2] == [[str(n), "", "", ""] for n in range(1, 13)]
    for caption, header, rows in (part1, part2):
        assert caption.endswith("Write 0 for none, 1 for a little, 2 for some, 3 for a lot.")
        assert header[0] == "Date" and rows == [["", "", "", ""]] * 14  # two weeks
    assert part1[1][1:] + part2[1][1:] == SYMPTOMS  # every symptom of the draft, in its order


def test_the_taper_checklist_has_a_box_per_item_and_no_dose_numbers_for_patients(published):
    pdf = _pdf(published, TAPER, "patient")
    for found in elements(pdf):
        boxes = [str(e.ActualText) for role, e in found if role == "Lbl" and "/ActualText" in e]
    assert boxes == ["unchecked"] * 7
    text = " ".join(page_texts(pdf))
    assert not re.search(r"\d\s*(%|mg\b)", text)  # dose figures belong only in the clinician variant


@pytest.mark.parametrize("handout", [TAPER, STORAGE])
def test_every_phone_number_printed_is_a_national_line_or_the_clinics_own(published, handout):
    clinic = load_clinic(ROOT / "handouts" / "clinic.yaml")
    text = " ".join(page_texts(_pdf(published, handout, "patient")))
    numbers = set(re.findall(r"\(\d{3}\) \d{3}-\d{4}|\d-\d{3}-\d{3}-\d{4}|\b9[18][18]\b", text))
    assert numbers == NATIONAL[handout] | {clinic.phone.value}  # the clinic's comes from handouts/clinic.yaml
    assert "call 911" in text and "call or text 988" in text


def test_the_storage_picture_has_its_alt_text_and_caption(published):
    pdf = _pdf(published, STORAGE, "patient")
    for found in elements(pdf):
        figures = [str(e.Alt) for role, e in found if role == "Figure"][1:]  # after the clinic's logo
    assert figures[0] == ("Two pictures. Left: a locked medicine box on a high closet shelf. Right: a hand "
                          "drops a pill bottle into a medicine take-back box at a pharmacy.")
    div = next(e for _, e in tree(pdf).elements() if e.role == "Div" and kids(e, "Figure"))
    assert kids(div, "Caption")[0].text == "Lock it up at home. Take it back when you no longer need it."
    steps = [e for _, e in tree(pdf).elements() if e.role == "L"]
    assert len(steps) >= 4  # key messages, two sets of steps with their bullets, the checklist


def test_the_catalog_lists_the_new_handouts_as_drafts(published):
    html = (published.out_dir / "index.html").read_text("utf-8")
    drafts = html[html.index("Drafts"):]
    for title in ("My Benzo Taper Worksheet", "Safe Storage and Disposal of Medicines at Home"):
        assert drafts.count(title) >= 2  # patient and large print
