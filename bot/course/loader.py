"""Load and validate ``content/``: every problem is collected, each naming its file and line.

    course = load_course(Path("content"))      # raises ContentError(problems) when invalid

The files are read one by one (``bot.course.files``), then the tree is checked as a whole:
cross-references (lesson -> reference cards, reference card -> lessons, reference topic ->
module) and the course-wide minimum counts from ``course.yaml``. The immutable ``Course`` is
built only when there is no error; warnings are kept alongside.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import yaml

from bot.course.bibliography import FILE as BIBLIOGRAPHY
from bot.course.bibliography import read_sources
from bot.course.files import read_emergency, read_module, read_reference, read_settings
from bot.course.model import Course, Settings
from bot.course.problems import ContentError, Problem, errors
from bot.course.reader import LIMITS, Reader, relative_name

__all__ = ["LIMITS", "ContentError", "Problem", "check_tree", "load_course"]


def load_course(content_dir: Path) -> Course:
    """Load and validate the course; raise ``ContentError`` with every problem found."""
    course, problems = check_tree(content_dir)
    if course is None:
        raise ContentError(problems)
    return course


def check_tree(content_dir: Path) -> tuple[Course | None, list[Problem]]:
    """Load without raising: the course (None when there is an error) and every problem."""
    content_dir = Path(content_dir)
    if not content_dir.is_dir():
        return None, [Problem(str(content_dir), None, "the content folder is missing")]
    tree = _Tree(content_dir)
    course = tree.load()
    return course, sorted(tree.reader.problems, key=lambda p: (p.file, p.line or 0))


class _Tree:
    """One pass over a content folder: its files in a fixed order, hashed as they are read."""

    def __init__(self, content_dir: Path):
        self.dir = content_dir
        self.reader = Reader()
        self.digest = hashlib.sha256()

    def compose(self, path: Path) -> yaml.Node | None:
        name = relative_name(path, self.dir.parent)
        try:
            raw = path.read_bytes()
        except OSError as exc:
            self.reader.problems.append(Problem(name, None, f"cannot read the file: {exc}"))
            self.reader.unparsed.append(name)
            return None
        self.digest.update(f"{name}\0{len(raw)}\0".encode() + raw)
        return self.reader.compose(name, raw)

    def load(self) -> Course | None:
        r = self.reader
        settings_path = self.dir / "course.yaml"
        settings = read_settings(r, self.compose(settings_path)) \
            if settings_path.is_file() else Settings()
        sources_path = self.dir / BIBLIOGRAPHY
        sources = None
        if sources_path.is_file():
            sources = read_sources(r, self.compose(sources_path))
        else:
            r.problems.append(Problem(relative_name(sources_path, self.dir.parent), None,
                                      "no bibliography: every `sources:` entry names an id "
                                      "from this file"))
        module_files = sorted((self.dir / "modules").glob("*.yaml"))
        if not module_files:
            r.problems.append(Problem(relative_name(self.dir / "modules", self.dir.parent),
                                      None, "no module files (modules/NN-<slug>.yaml)"))
        modules = [read_module(r, self.compose(path), settings) for path in module_files]
        reference_files = sorted((self.dir / "reference").glob("*.yaml"))
        reference = [read_reference(r, self.compose(path)) for path in reference_files]
        emergency_path = self.dir / "emergency.yaml"
        emergency = None
        if emergency_path.is_file():
            emergency = read_emergency(r, self.compose(emergency_path), sources)
        else:
            r.problems.append(Problem(relative_name(emergency_path, self.dir.parent), None,
                                      "no emergency numbers: the bot will show none",
                                      "warning"))
        self.cross_check(settings, sources_path.is_file())
        if errors(r.problems):
            return None
        cards = {card.id: card for found in reference for card in found or ()}
        return Course(tuple(m for m in modules if m is not None), cards, emergency, settings,
                      self.digest.hexdigest(), sources or {})

    def cross_check(self, settings: Settings, bibliography: bool) -> None:
        """References between files, and course-wide counts. Skipped while a file does not
        parse: its ids are unknown, and every reference to them would be a false alarm
        (source ids likewise while there is no bibliography: that one problem is enough)."""
        r = self.reader
        if r.unparsed:
            return
        for ref in r.refs:
            if ref.kind == "source" and not bibliography:
                continue
            if ref.target not in r.ids[ref.kind]:
                where = f" (not in {BIBLIOGRAPHY})" if ref.kind == "source" else ""
                r.problems.append(Problem(ref.file, ref.line, f"{ref.owner} names {ref.kind} "
                                          f"'{ref.target}', which does not exist{where}"))
        cited = {ref.target for ref in r.refs if ref.kind == "source"}
        for source_id, where in r.ids["source"].items():
            if source_id not in cited:
                file, _, line = where.rpartition(":")
                r.problems.append(Problem(file, int(line) if line.isdigit() else None,
                                          f"source '{source_id}' is cited by nothing",
                                          "warning"))
        count = len(r.ids["reference card"])
        if count < settings.min_reference_cards:
            r.problems.append(Problem(
                relative_name(self.dir / "reference", self.dir.parent), None,
                f"{count} reference cards in the course; at least "
                f"{settings.min_reference_cards} are needed (min_reference_cards)"))
