"""Configuration: every environment variable the code reads is in the README's table, and each
package reads its environment in one module (its settings), so a default is given once."""

from __future__ import annotations

import re
import subprocess
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SKIPPED = {".venv", ".git", "tests", "build", "node_modules", ".cache", "var", "models"}
READ = re.compile(
    r"""environ\.get\(\s*["']([A-Z][A-Z0-9_]*)["']"""  # os.environ.get("X" ...)
    r"""|environ\[\s*["']([A-Z][A-Z0-9_]*)["']\s*\](?!\s*=[^=])"""  # os.environ["X"], not assigned
    r"""|getenv\(\s*["']([A-Z][A-Z0-9_]*)["']"""  # os.getenv("X" ...)
)
# Rasa replaces ${VARIABLE} in its endpoints file when it reads it: the deployment's file reads those
RASA_READS = re.compile(r"\$\{([A-Z][A-Z0-9_]*)\}")
RASA_ENDPOINTS = ROOT / "deploy" / "k8s" / "endpoints.yml"
TABLE_NAME = re.compile(r"`([A-Z][A-Z0-9_]+)`")


def python_files() -> list[Path]:
    """The project's Python files: those git tracks (work in progress is checked once committed)."""
    try:
        listed = subprocess.run(["git", "ls-files", "*.py"], cwd=ROOT, capture_output=True, text=True, check=True)
        paths = [ROOT / line for line in listed.stdout.splitlines()]
    except (OSError, subprocess.CalledProcessError):  # not a git checkout
        paths = list(ROOT.rglob("*.py"))
    return [path for path in paths if path.exists() and not SKIPPED.intersection(path.relative_to(ROOT).parts)]


def variables_read() -> dict[str, set[Path]]:
    """Each environment variable the code reads, with the files that read it."""
    found: dict[str, set[Path]] = defaultdict(set)
    for path in python_files():
        for match in READ.finditer(path.read_text(encoding="utf-8")):
            found[next(group for group in match.groups() if group)].add(path.relative_to(ROOT))
    if RASA_ENDPOINTS.exists():
        for name in RASA_READS.findall(RASA_ENDPOINTS.read_text(encoding="utf-8")):
            found[name].add(RASA_ENDPOINTS.relative_to(ROOT))
    return found


def readme_table() -> set[str]:
    """The variables named in the first column of the README's configuration table."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("\n## Configuration\n", 1)[1].split("\n## ", 1)[0]
    rows = [line for line in section.splitlines() if line.startswith("| `")]
    return {name for row in rows for name in TABLE_NAME.findall(row.split("|")[1])}


def test_the_pattern_finds_reads_but_not_writes() -> None:
    text = 'os.environ.get("A_B", "1")\nos.environ["C"]\nos.getenv("D")\nos.environ["E"] = "0"\nx == os.environ["F"]'
    assert [next(g for g in m.groups() if g) for m in READ.finditer(text)] == ["A_B", "C", "D", "F"]


def test_every_variable_read_is_in_the_readme_table() -> None:
    missing = {name: sorted(map(str, paths)) for name, paths in variables_read().items() if name not in readme_table()}
    assert not missing, f"add these to the README's configuration table: {missing}"


def test_the_readme_table_names_only_variables_the_code_reads() -> None:
    stale = readme_table() - set(variables_read())
    assert not stale, f"the README's configuration table names variables nothing reads: {sorted(stale)}"


def test_each_package_reads_its_environment_in_one_module() -> None:
    modules: dict[str, set[Path]] = defaultdict(set)
    for paths in variables_read().values():
        for path in paths:
            modules[path.parts[0]].add(path)
    scattered = {package: sorted(map(str, paths)) for package, paths in modules.items() if len(paths) > 1}
    assert not scattered, f"read the environment in the package's settings module only: {scattered}"
