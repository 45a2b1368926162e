"""The house's one rule (docs/architecture.md): imports run one way, from the pages down
to the ground. Read from the code's own imports, so a lower package that reaches up, or
two packages that lean on each other, fail here before they land."""

import ast
from pathlib import Path

import pytest

import runpt

RUNPT = Path(runpt.__file__).resolve().parent

# Lowest first. A unit is a package of runpt, or a module at its top.
LAYERS = [
    ("the ground", {"extensions", "config", "timestamps", "pain"}),
    ("the app's plumbing", {"errors", "security", "sqlite", "compression", "plain_reads"}),
    ("accounts", {"auth"}),
    ("the exercise library", {"library"}),
    ("the runner's settings", {"runner"}),
    ("routines", {"routines"}),
    ("sharing", {"sharing"}),
    ("the event log", {"log"}),
    ("progression", {"progression"}),
    ("capacity tests", {"capacity"}),
    ("running", {"running"}),
    ("history", {"history"}),
    ("reminders", {"reminders"}),
    ("pages", {"pages", "templating"}),
    ("the API and the offline set", {"sync", "pwa"}),
    ("commands", {"cli"}),
    ("the app", {"__init__"}),
]
LAYER_OF = {unit: (number, name) for number, (name, units) in enumerate(LAYERS) for unit in units}
NOT_CODE = {"migrations", "static", "templates", "data"}


def units_of_code() -> dict[Path, str]:
    """{module file: its unit} for every Python module of runpt but its migrations."""
    found = {}
    for path in RUNPT.rglob("*.py"):
        parts = path.relative_to(RUNPT).parts
        if parts[0] in NOT_CODE:
            continue
        found[path] = parts[0] if len(parts) > 1 else path.stem
    return found


def package_of(path: Path) -> str:
    """`runpt.pages` for runpt/pages/sharing.py: where its relative imports start."""
    return ".".join(("runpt", *path.relative_to(RUNPT).parent.parts))


def imported_names(path: Path, package: str | None = None) -> list[tuple[int, str]]:
    """(line, dotted name) of every import of runpt in a module, inside functions too:
    `from runpt.pages.auth import x` is `runpt.pages.auth.x`, and a relative import is
    read from the module's own package (`package`, when the file is not in runpt)."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            start = node.module or ""
            if node.level:
                parts = (package or package_of(path)).split(".")
                start = ".".join(parts[: len(parts) - node.level + 1] + [start]).rstrip(".")
            names = [f"{start}.{alias.name}" for alias in node.names]
        else:
            continue
        found += [(node.lineno, name) for name in names if name.startswith("runpt.")]
    return found


def runpt_imports(path: Path) -> list[tuple[int, str]]:
    """(line, unit) of every import of runpt in a module, inside functions too."""
    return [(line, name.split(".")[1]) for line, name in imported_names(path)]


def test_every_unit_of_runpt_has_a_layer():
    assert set(units_of_code().values()) <= set(LAYER_OF), (
        "a new package or top-level module: give it a layer here and in docs/architecture.md"
    )


@pytest.mark.parametrize(
    "path", sorted(units_of_code()), ids=lambda p: str(p.relative_to(RUNPT.parent))
)
def test_imports_run_one_way_from_higher_layers_to_lower_ones(path):
    unit = units_of_code()[path]
    layer, name = LAYER_OF[unit]
    wrong = [
        f"line {line}: imports runpt.{target} ({LAYER_OF[target][1]}), not below {name}"
        for line, target in runpt_imports(path)
        if target != unit and target in LAYER_OF and LAYER_OF[target][0] >= layer
    ]
    assert not wrong, f"{path.relative_to(RUNPT.parent)}:\n" + "\n".join(wrong)


def test_only_the_event_log_touches_events():
    """Nothing outside runpt/log queries Event or reads its data: the log's typed reads
    (runpt/log/reads.py) answer for it."""
    reaching_in = [
        f"{path.relative_to(RUNPT.parent)}:{node.lineno}"
        for path, unit in units_of_code().items()
        if unit != "log"
        for node in ast.walk(ast.parse(path.read_text()))
        if isinstance(node, ast.ImportFrom) and node.module == "runpt.log.models"
    ]
    assert reaching_in == []


def test_a_lower_package_that_imported_a_higher_one_would_fail_here(tmp_path):
    """The check itself: a history module in the library is caught."""
    module = tmp_path / "sneaky.py"
    module.write_text("from runpt.history.weeks import weeks\nimport runpt.log.reads\n")
    targets = {target for _, target in runpt_imports(module)}
    assert targets == {"history", "log"}
    assert all(LAYER_OF[target][0] > LAYER_OF["library"][0] for target in targets)


def other_pages(path: Path, package: str | None = None) -> list[str]:
    """What a module takes from the pages other than itself: `line N: runpt.pages.x.y`."""
    return [
        f"line {line}: {name}"
        for line, name in imported_names(path, package)
        if (name + ".").startswith("runpt.pages.")
        and name.removeprefix("runpt.pages").lstrip(".").split(".")[0] != path.stem
    ]


@pytest.mark.parametrize(
    "path", sorted((RUNPT / "pages").glob("*.py")), ids=lambda p: str(p.relative_to(RUNPT.parent))
)
def test_no_page_imports_another_page(path):
    """Views compose nothing another view needs: what two areas' pages both show (the
    report, progress, where to come back to after logging in) is a function of the
    package below (runpt/history/, runpt/auth/), called by each view."""
    wrong = other_pages(path)
    assert not wrong, f"{path.relative_to(RUNPT.parent)} imports another page:\n" + "\n".join(wrong)


def test_a_page_that_imported_another_page_would_fail_here(tmp_path):
    """The check itself: each way of reaching a neighbour page is caught, the module's own
    name is not."""
    module = tmp_path / "sharing.py"
    module.write_text(
        "from runpt.pages.history import report_facts\n"
        "import runpt.pages.auth\n"
        "from runpt.pages import runner\n"
        "from . import player\n"
        "from .routines import home\n"
        "from runpt.pages.sharing import bp\n"
        "from runpt.history.report import physio_report\n"
    )
    assert other_pages(module, package="runpt.pages") == [
        "line 1: runpt.pages.history.report_facts",
        "line 2: runpt.pages.auth",
        "line 3: runpt.pages.runner",
        "line 4: runpt.pages.player",
        "line 5: runpt.pages.routines.home",
    ]
