"""The project cites only what it contains (issue 26 item 8, issue 22 item 8): every file
the code, tests, data, docs or README name as a source (the content rules, a review, the
article, a doc page) is in the repository, so a reader of a clone can follow every "see
…" and every "rule N". Measurement output (bench/results) is made on demand and left out.
"""

import re
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LEFT_OUT = ("bench/results/",)
# Where a walk of the tree stops when git can't list the files (a tarball, no git).
NOT_THE_PROJECT = {"node_modules", "__pycache__", "instance", "build", "test-artifacts"}

# A Markdown file named in text: a page under docs/, a README above, a sibling page.
MARKDOWN_NAME = re.compile(r"(?<![\w./-])((?:\.\./)*(?:[\w-]+/)*[\w.-]+\.md)\b")
# A file under docs/ named from anywhere, whatever its kind (figures, screenshots, scripts).
DOCS_PATH = re.compile(r"(?<![\w./-])(docs/(?:[\w.-]+/)*[\w-]+\.[A-Za-z]\w*)")
# The product documents' folder outside the repository, and the article's text file: the
# repository has its own words for both (docs/content-rules.md).
# (The article's name is split in two so that this file doesn't cite it.)
OUTSIDE = re.compile(r"\.\./shared\b|\bshared/[A-Z]|\bseed-art" r"icle\b")
# "rule 1", "rules 3, 10 and 14", "rules 1-7": the content rules a line cites.
RULES_CITED = re.compile(r"\b[Rr]ules? \d+(?:\s*(?:,|and|or|-|–)\s*\d+)*")
# A Markdown link to a heading of another page: [words](page dot md, hash, heading).
HEADING_LINK = re.compile(r"\]\(((?:\.\./)*(?:[\w-]+/)*[\w.-]+\.md)#([\w-]+)\)")


def project_files() -> list[Path]:
    """Every text file of the project (tracked, or new and not ignored), bench/results
    left out."""
    try:
        listed = subprocess.run(
            ["git", "ls-files", "--cached", "--others", "--exclude-standard"],
            cwd=ROOT, capture_output=True, text=True, check=True,
        ).stdout.splitlines()  # fmt: skip
    except (OSError, subprocess.CalledProcessError):
        listed = [
            str(p.relative_to(ROOT))
            for p in ROOT.rglob("*")
            if p.is_file() and not any(made_elsewhere(part) for part in p.relative_to(ROOT).parts)
        ]
    return [ROOT / name for name in listed if not name.startswith(LEFT_OUT)]


def made_elsewhere(part: str) -> bool:
    """A folder of tools' output or caches (.venv, .git, .pytest_cache, *.egg-info), not
    the project's own files; .ci is the project's."""
    hidden = part.startswith(".") and part != ".ci"
    return hidden or part in NOT_THE_PROJECT or part.endswith(".egg-info")


def text_of(path: Path) -> str | None:
    """The file's text, or None for an image, an icon or a file gone from the tree."""
    try:
        return path.read_text(encoding="utf-8")
    except (UnicodeDecodeError, FileNotFoundError, IsADirectoryError):
        return None


def named_file_exists(name: str, cited_in: Path) -> bool:
    """A name resolves beside the file that cites it (a Markdown link), from the
    repository's root (a path in code), or in docs/ (a doc page by its file name)."""
    return any((base / name).is_file() for base in (cited_in.parent, ROOT, ROOT / "docs"))


def missing_citations(text: str, cited_in: Path) -> list[tuple[int, str]]:
    """(line, what) for every file the text names that isn't in the repository."""
    missing = {}  # a dict keeps the order and names a file once per line
    for number, line in enumerate(text.splitlines(), start=1):
        for match in OUTSIDE.finditer(line):
            missing[number, match.group(0)] = True
        for pattern in (MARKDOWN_NAME, DOCS_PATH):
            for match in pattern.finditer(line):
                name = match.group(1)
                if not named_file_exists(name, cited_in):
                    missing[number, name] = True
    return list(missing)


def heading_anchor(heading: str) -> str:
    """The anchor a Markdown heading gets on GitHub: lower case, punctuation dropped,
    spaces as hyphens."""
    kept = re.sub(r"[^\w\- ]", "", heading.strip().lower())
    return kept.replace(" ", "-")


def anchors_of(page: Path) -> set[str]:
    return {
        heading_anchor(line.lstrip("#"))
        for line in page.read_text(encoding="utf-8").splitlines()
        if line.startswith("#")
    }


def every_missing_citation():
    found = []
    for path in project_files():
        text = text_of(path)
        if text is None:
            continue
        relative = path.relative_to(ROOT).as_posix()
        for number, name in missing_citations(text, path):
            found.append(f"{relative}:{number}: {name}")
    return found


def test_every_file_the_project_cites_is_in_the_repository():
    """No code comment, test, data file, doc or README line names a file outside the
    repository (the product documents, the article's text) or a doc page that isn't
    there."""
    assert every_missing_citation() == []


def test_the_check_catches_the_outside_documents_and_a_missing_doc():
    """The check above would see what it is for: each outside document, the shared
    folder, the article's file, and a docs/ path that doesn't exist."""
    here = ROOT / "runpt" / "pain.py"
    outside = ["CONTENT", "CONTENT-REVIEW", "DESIGN", "STYLE"]
    for name in outside:
        assert missing_citations(f"# ({name}.md rule 1)", here) == [(1, f"{name}.md")]
    shared = "../" + "shared/"
    assert missing_citations(f"see {shared}notes", here) == [(1, shared.rstrip("/"))]
    article = "seed-" + "article.txt"
    assert missing_citations(f"Groups follow {article}", here)
    nowhere = "docs/no-such-page" + ".md"
    assert missing_citations(f"see {nowhere}", here) == [(1, nowhere)]
    assert missing_citations("see docs/content-rules.md, rule 1", here) == []
    assert missing_citations("the share pages, `/shared/<token>`", here) == []


def test_links_to_a_heading_of_another_page_land_on_a_heading():
    """A link to another page's heading in the docs and README opens at a heading that
    exists."""
    broken = []
    for path in project_files():
        if path.suffix != ".md" or (text := text_of(path)) is None:
            continue
        for page_name, anchor in HEADING_LINK.findall(text):
            page = path.parent / page_name
            if page.is_file() and anchor not in anchors_of(page):
                broken.append(f"{path.relative_to(ROOT)}: {page_name}#{anchor}")
    assert broken == []


def test_content_rules_keep_their_numbers():
    """ "Rule N" means the same everywhere: docs/content-rules.md has rules 1-18 in
    order, each under its own heading, beside the pain zones and the safety text."""
    page = (ROOT / "docs" / "content-rules.md").read_text(encoding="utf-8")
    numbers = [int(n) for n in re.findall(r"^### Rule (\d+)\. ", page, flags=re.MULTILINE)]
    assert numbers == list(range(1, 19))
    assert "## The pain zones" in page and "## The safety text" in page
    assert "| 0–2 | safe |" in page and "| above 5 | too much |" in page


def test_every_rule_number_cited_is_a_rule_on_the_rules_page():
    """A "rule N" in code, data, tests or docs is one docs/content-rules.md has."""
    page = (ROOT / "docs" / "content-rules.md").read_text(encoding="utf-8")
    rules = {int(n) for n in re.findall(r"^### Rule (\d+)\. ", page, flags=re.MULTILINE)}
    unknown = []
    for path in project_files():
        for number, line in enumerate((text_of(path) or "").splitlines(), start=1):
            for cited in RULES_CITED.findall(line):
                if not {int(n) for n in re.findall(r"\d+", cited)} <= rules:
                    unknown.append(f"{path.relative_to(ROOT)}:{number}: {cited}")
    assert unknown == []


def test_the_safety_text_on_the_rules_page_is_the_one_the_app_shows():
    from runpt.pain import SAFETY_LINE

    page = (ROOT / "docs" / "content-rules.md").read_text(encoding="utf-8")
    quoted = " ".join(
        line.removeprefix("> ") for line in page.splitlines() if line.startswith("> ")
    )
    assert quoted == f"runpt is exercise guidance, not a diagnosis. {SAFETY_LINE}"
    register = (ROOT / "runpt" / "templates" / "auth" / "register.html").read_text()
    assert quoted in register
