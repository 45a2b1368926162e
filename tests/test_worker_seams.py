"""The service worker's files depend one way (docs/offline.md): outbox.js, sw-shared.js,
sw-offline-set.js, sw-reminders.js, then sw.js on top, each reaching the ones below only
through their namespace. Classic scripts loaded with importScripts share one global
scope, so a lower file that names a function of sw.js works until that function is
renamed, and then breaks only when a phone takes that path. These tests read the files
themselves; ESLint (.ci/run) checks the same with per-file globals."""

import re
from pathlib import Path

import pytest

from runpt.pwa.routes import SHELL_FILES

STATIC = Path(__file__).resolve().parent.parent / "runpt" / "static"
IDENTIFIER = re.compile(r"[A-Za-z_$][\w$]*")
DECLARED = re.compile(r"\b(?:const|let|var|function\*?|class)\s+([A-Za-z_$][\w$]*)")
DESTRUCTURED = re.compile(r"\b(?:const|let|var)\s*\{([^}]*)\}\s*=")
PARAMETERS = re.compile(
    r"(?:function\s*[\w$]*\s*\(([^)]*)\)|\(([^()]*)\)\s*=>|([A-Za-z_$][\w$]*)\s*=>)"
)
NAMESPACE = re.compile(r"^self\.(Runpt\w+)\s*=", re.MULTILINE)
FROZEN_EXPORTS = re.compile(r"return Object\.freeze\(\{([^}]*)\}\);\s*\}\)\(\);\s*$")


def code_only(source: str) -> str:
    """The source with comments and the literal text of strings blanked out (a template
    string's `${...}` stays: it is code), so only names the code uses remain."""
    out, i, depth = [], 0, []
    while i < len(source):
        two, char = source[i : i + 2], source[i]
        if depth and depth[-1] == "`" and char == "`":
            depth.pop()
            i += 1
        elif depth and depth[-1] == "`" and two == "${":
            depth.append("{")
            i += 2
        elif depth and depth[-1] == "`":
            i += 2 if char == "\\" else 1
        elif two == "//":
            i = source.find("\n", i) if "\n" in source[i:] else len(source)
        elif two == "/*":
            i = source.index("*/", i) + 2
            out.append(" ")
        elif char in "\"'":
            end = i + 1
            while source[end] != char:
                end += 2 if source[end] == "\\" else 1
            out.append('""')
            i = end + 1
        elif char == "`":
            depth.append("`")
            out.append('""')
            i += 1
        else:
            if depth and char == "{":
                depth.append("{")
            elif depth and char == "}":
                depth.pop()
            out.append(char)
            i += 1
    return "".join(out)


def listed(group: str) -> set[str]:
    """The names in `a, b: c, d` (of `{ ... }`): a, c, d."""
    return {part.split(":")[-1].strip() for part in group.split(",") if part.strip()}


def worker_files() -> list[str]:
    """The worker's files, lowest first: what sw.js imports, in its order, then sw.js."""
    source = (STATIC / "sw.js").read_text()
    imported = re.search(r"importScripts\(([^)]*)\)", source).group(1)
    paths = re.findall(r'"([^"]+)"', imported)
    return [path.removeprefix("/static/") for path in paths] + ["sw.js"]


def top_level_names(code: str) -> set[str]:
    """Names a file puts in the worker's global scope: its unindented declarations and
    destructurings, and the namespaces it sets on `self`."""
    top = top_level_text(code)
    names = set(DECLARED.findall(top)) | set(NAMESPACE.findall(code))
    for group in DESTRUCTURED.findall(top):
        names |= listed(group)
    return names


def top_level_text(code: str) -> str:
    """The file's top-level statements with the bodies of blocks left out, but a
    multi-line `const { ... } =` at the top kept whole."""
    kept, inside = [], False
    for line in code.splitlines():
        if line.startswith(("const {", "let {", "var {")):
            inside = True
        if inside or (line and not line[0].isspace()):
            kept.append(line)
        if inside and "} =" in line:
            inside = False
    return "\n".join(kept)


def declared_anywhere(code: str) -> set[str]:
    """Every name a file declares at any depth: variables, functions, destructured names
    and parameters (a file may use `network` of its own without leaning on sw.js's)."""
    names = set(DECLARED.findall(code))
    for group in DESTRUCTURED.findall(code):
        names |= {name.split("=")[0].strip() for name in listed(group)}
    for groups in PARAMETERS.findall(code):
        for group in groups:
            names |= set(IDENTIFIER.findall(re.sub(r"=[^,]*", "", group)))
    return names


def used_names(code: str) -> set[str]:
    """Names the code uses on their own (not as `.property` or `key:` of an object)."""
    without_properties = re.sub(r"\.\s*[A-Za-z_$][\w$]*", ".", code)
    return set(IDENTIFIER.findall(without_properties))


def test_the_worker_loads_its_shared_layer_first_and_sw_js_last():
    assert worker_files() == [
        "outbox.js", "sw-shared.js", "sw-offline-set.js", "sw-share.js", "sw-reminders.js",
        "sw.js",
    ]  # fmt: skip


def test_every_file_the_worker_imports_is_in_the_shell_and_its_version():
    """A phone with no signal starts the worker from the shell; a change to any of its
    files must make a new worker (runpt/pwa/routes.py hashes the shell files)."""
    for name in worker_files()[:-1]:
        assert name in SHELL_FILES, f"{name} is imported by sw.js but not kept in the shell"


@pytest.mark.parametrize(
    "lower", ["outbox.js", "sw-shared.js", "sw-offline-set.js", "sw-share.js", "sw-reminders.js"]
)
def test_no_worker_file_names_anything_of_a_file_loaded_after_it(lower):
    files = worker_files()
    code = code_only((STATIC / lower).read_text())
    own = declared_anywhere(code)
    above = files[files.index(lower) + 1 :]
    for higher in above:
        theirs = top_level_names(code_only((STATIC / higher).read_text())) - own
        leaning = sorted(used_names(code) & theirs)
        assert not leaning, f"{lower} uses {leaning}, defined in {higher} (loaded after it)"


@pytest.mark.parametrize(
    "name", ["sw-shared.js", "sw-offline-set.js", "sw-share.js", "sw-reminders.js"]
)
def test_the_worker_layers_put_only_their_namespace_in_the_global_scope(name):
    """Everything else stays inside the namespace's function, so sw.js can't lean on a
    helper that the layer doesn't export (it would work until the helper moved)."""
    code = code_only((STATIC / name).read_text())
    namespaces = NAMESPACE.findall(code)
    assert len(namespaces) == 1
    assert top_level_names(code) == set(namespaces)


def exports_of(name: str) -> set[str]:
    code = code_only((STATIC / name).read_text())
    return listed(FROZEN_EXPORTS.search(code).group(1))


def test_what_a_worker_file_takes_from_a_namespace_is_exported_by_it():
    """Destructuring a name a namespace doesn't export gives `undefined` with no error
    until that path runs on a phone: a rename must fail here instead."""
    exporters = {
        "RunptWorker": "sw-shared.js",
        "RunptOfflineSet": "sw-offline-set.js",
        "RunptShare": "sw-share.js",
    }
    taken_from = re.compile(r"const\s*\{([^}]*)\}\s*=\s*self\.(Runpt\w+);")
    checked = 0
    for name in ["sw-offline-set.js", "sw.js"]:
        for group, namespace in taken_from.findall(code_only((STATIC / name).read_text())):
            missing = sorted(listed(group) - exports_of(exporters[namespace]))
            assert not missing, f"{name} takes {missing} from {namespace}, not exported there"
            checked += 1
    assert checked == 4  # sw-offline-set.js: 1; sw.js: RunptWorker, OfflineSet, Share


# What a page route reads of its query: request.args.get("problem"), args.get("before"),
# "r" in request.args, request.args["r"].
QUERY_READ = re.compile(
    r"""args(?:\.get\(|\[)\s*["'](\w+)["']|["'](\w+)["']\s+in\s+request\.args"""
)
PAGE_CODE = [*(STATIC.parent / "pages").glob("*.py"), *(STATIC.parent / "history").glob("*.py")]


def test_the_worker_keeps_apart_every_page_a_query_chooses():
    """The worker serves a page's copy kept under its path and the query keys that choose
    what it shows (sw-shared.js CHOOSES_PAGE); other keys only say how the page was
    opened. A key a page route reads that the list lacks would make the worker serve
    that page's other copy in its place (a library filter opened the whole library)."""
    listed = re.search(r"const CHOOSES_PAGE = \[([^\]]*)\]", (STATIC / "sw-shared.js").read_text())
    chooses = set(re.findall(r'"(\w+)"', listed.group(1)))
    read = {
        key
        for path in PAGE_CODE
        for match in QUERY_READ.finditer(path.read_text())
        for key in match.groups()
        if key
    }
    assert read >= {"all", "before", "group", "problem", "q", "r"}  # the pattern finds them
    assert read == chooses
