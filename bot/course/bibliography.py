"""The bibliography, ``content/sources.yaml``: every document the course cites, once.

    sources:
      - id: who-2014-overdose            # what `sources:` fields name
        publisher: World Health Organization
        title: Community management of opioid overdose
        year: 2014
        url: https://www.who.int/publications/i/item/9789241548816   # where one exists
      - id: good-practice
        kind: practice                   # not a document: good practice, no claimed source
        title: Good practice, not taken from a document

Every ``sources:`` entry of a lesson, quiz item or reference card, and the ``source`` of an
emergency number, names an id from this file; an unknown id is an error at the line that
names it (resolved by the loader's cross-check, like every other reference). A verified
emergency number must name a document, never good practice.
"""

from __future__ import annotations

import re

import yaml

from bot.course.model import Source
from bot.course.reader import Reader

FILE = "sources.yaml"
KINDS = ("document", "practice")
_URL = re.compile(r"^https?://[^\s<>\"]+$")
_YEARS = range(1900, 2100)


def read_sources(r: Reader, node: yaml.Node | None) -> dict[str, Source] | None:
    """The complete entries of the bibliography by id (None when the file is no mapping).
    Every problem is recorded, so an incomplete entry still fails the check."""
    fields = r.mapping(node, FILE, {"sources"})
    if fields is None:
        return None
    nodes = r.seq(fields.get("sources"), "sources")
    if "sources" in fields and not nodes:
        r.error(fields["sources"], "the bibliography lists no sources")
    found = [_source(r, n) for n in nodes]
    return {s.id: s for s in found if s is not None}  # the complete ones; problems recorded


def _source(r: Reader, node: yaml.Node) -> Source | None:
    fields = r.mapping(node, "source", {"id", "title"}, {"kind", "publisher", "year", "url",
                                                          "note"})
    if fields is None:
        return None
    source_id = r.new_id(fields.get("id"), "source")
    owner = f"source '{source_id}'"
    kind = r.string(fields["kind"], "kind") if "kind" in fields else "document"
    if kind is not None and kind not in KINDS:
        r.error(fields["kind"], f"{owner}: kind must be one of {', '.join(KINDS)}")
        kind = None
    title = r.string(fields.get("title"), "title")
    publisher = r.string(fields["publisher"], "publisher") if "publisher" in fields else ""
    year = r.integer(fields["year"], "year", 0) if "year" in fields else None
    if year and year not in _YEARS:
        r.error(fields["year"], f"{owner}: year must be a year of publication, such as 2014")
        year = None
    url = r.string(fields["url"], "url") if "url" in fields else ""
    if url and not _URL.match(url):
        r.error(fields["url"], f"{owner}: url must be one http:// or https:// address")
        url = None
    if "note" in fields:
        r.string(fields["note"], "note")
    if kind == "document" and "publisher" not in fields:
        r.error(node, f"{owner}: a document needs its publisher (or kind: practice, for good "
                      "practice that no document supports)")
    if kind == "practice":
        for key in ("publisher", "year", "url"):
            if key in fields:
                r.error(fields[key], f"{owner} is good practice, not a document: it has no "
                                     f"{key}")
    if source_id is None or kind is None or title is None or publisher is None or \
            url is None:
        return None
    return Source(source_id, kind, title, publisher, year, url or "")
