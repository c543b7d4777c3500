"""Execute docs/audit.ipynb in a fresh kernel and check what it shows.

The notebook runs on a temporary copy, in a kernel started from this very
interpreter (a temporary kernelspec whose argv is ``sys.executable``, so the
venv's szo_core and matplotlib are the ones used, whatever ``python3`` kernel a
machine has installed).  Any cell error fails the run; each cell has a time
limit.  The test then recomputes the month in this process, from the
notebook's own setup cells, and compares the printed figures with it.
"""

from __future__ import annotations

import base64
import gc
import json
import os
import re
import shutil
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any

import nbformat
import pytest
from jupyter_client.kernelspec import KernelSpecManager
from jupyter_client.manager import KernelManager
from nbclient import NotebookClient
from nbformat import NotebookNode

from szo_core.fees import FeeStatement, PayerKind, compute_month, statements_to_records

KINDERGARTEN = (
    PayerKind.PARENTS,
    PayerKind.STATE,
    PayerKind.MUNICIPALITY,
    PayerKind.OTHER_MUNICIPALITY,
)
NOTEBOOK = Path(__file__).resolve().parents[2] / "docs" / "audit.ipynb"
CELL_TIMEOUT = 120  # seconds per cell: a limit for a hung kernel, not a measurement
KERNEL = "szo-audit"


def _read(path: Path) -> NotebookNode:
    return nbformat.read(path, as_version=4)


def _tagged(nb: NotebookNode, tag: str) -> list[NotebookNode]:
    return [cell for cell in nb.cells if tag in cell.get("metadata", {}).get("tags", [])]


def _cell(nb: NotebookNode, tag: str) -> NotebookNode:
    cells = _tagged(nb, tag)
    assert len(cells) == 1, f"expected one cell tagged {tag!r}, found {len(cells)}"
    return cells[0]


def _stdout(cell: NotebookNode) -> str:
    return "".join(
        out["text"]
        for out in cell.outputs
        if out["output_type"] == "stream" and out["name"] == "stdout"
    )


def _data(cell: NotebookNode, mime: str) -> list[str]:
    return [out["data"][mime] for out in cell.outputs if mime in out.get("data", {})]


def _kernelspec(root: Path) -> Path:
    """A kernelspec that starts ipykernel with this interpreter."""
    spec = root / KERNEL
    spec.mkdir(parents=True)
    (spec / "kernel.json").write_text(
        json.dumps(
            {
                "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
                "display_name": "szo_core audit (this interpreter)",
                "language": "python",
            }
        ),
        encoding="utf-8",
    )
    return root


@pytest.fixture(scope="module")
def executed(tmp_path_factory: pytest.TempPathFactory) -> NotebookNode:
    work = tmp_path_factory.mktemp("audit")
    copy = work / NOTEBOOK.name
    shutil.copyfile(NOTEBOOK, copy)
    nb = _read(copy)
    # appended to the temporary copy only: which interpreter ran the kernel
    probe = nbformat.v4.new_code_cell("import sys\nprint(sys.executable)")
    probe.metadata["tags"] = ["interpreter"]
    nb.cells.append(probe)
    specs = KernelSpecManager(kernel_dirs=[str(_kernelspec(work / "kernels"))])
    manager = KernelManager(kernel_name=KERNEL, kernel_spec_manager=specs)
    client = NotebookClient(
        nb,
        km=manager,
        timeout=CELL_TIMEOUT,
        allow_errors=False,
        resources={"metadata": {"path": str(work)}},
    )
    client.execute()  # raises CellExecutionError on the first failing cell
    nbformat.write(nb, copy)
    del client, manager  # free the kernel client's ZeroMQ context here, not in a later test
    gc.collect()
    return nb


@pytest.fixture(scope="module")
def recomputed() -> tuple[tuple[FeeStatement, ...], dict[str, Any]]:
    """The month computed in this process from the notebook's setup cells."""
    namespace: dict[str, Any] = {"__name__": "audit_setup"}
    nb = _read(NOTEBOOK)
    for cell in _tagged(nb, "imports") + _tagged(nb, "kindergarten"):
        exec(compile(cell.source, f"<{NOTEBOOK.name}>", "exec"), namespace)
    statements = compute_month(namespace["JUNE"], namespace["KINDERGARTEN"], namespace["RULES"])
    return statements, namespace


def test_committed_notebook_has_no_outputs() -> None:
    nb = _read(NOTEBOOK)
    nbformat.validate(nb)
    code = [cell for cell in nb.cells if cell.cell_type == "code"]
    assert code
    assert all(cell.outputs == [] and cell.execution_count is None for cell in code)


def test_setup_builds_a_varied_kindergarten(recomputed) -> None:
    statements, _ = recomputed
    assert 6 <= len(statements) <= 10
    kinds = {str(line.kind) for s in statements for line in s.lines}
    # the cases the audit is about: food deduction, the state's sibling share, a reservation
    assert {"food_deduction", "sibling_exemption", "reservation"} <= kinds
    payers = {line.payer for s in statements for line in s.lines}
    assert PayerKind.OTHER_MUNICIPALITY in payers
    assert any(s.days_enrolled < s.days_in_month for s in statements)  # vpis / izpis
    by_child = {s.child_code: s for s in statements}
    assert len({line.decision_id for line in by_child[104].lines}) == 2  # odločba changes


@pytest.mark.slow
def test_every_cell_ran_without_error(executed) -> None:
    code = [cell for cell in executed.cells if cell.cell_type == "code"]
    assert all(cell.execution_count is not None for cell in code)
    errors = [out for cell in code for out in cell.outputs if out["output_type"] == "error"]
    assert errors == []


@pytest.mark.slow
def test_kernel_ran_this_interpreter(executed) -> None:
    shown = _stdout(_cell(executed, "interpreter")).strip()
    assert os.path.samefile(shown, sys.executable)


@pytest.mark.slow
def test_chart_is_an_inline_image(executed) -> None:
    cell = _cell(executed, "chart")
    pngs = _data(cell, "image/png")
    svgs = _data(cell, "image/svg+xml")
    assert pngs or svgs
    if pngs:
        assert base64.b64decode(pngs[0]).startswith(b"\x89PNG\r\n\x1a\n")


@pytest.mark.slow
def test_totals_cell_prints_the_recomputed_sums(executed, recomputed) -> None:
    statements, _ = recomputed
    printed = dict(
        re.findall(r"^(\w+) +(-?\d+\.\d\d)$", _stdout(_cell(executed, "totals")), re.MULTILINE)
    )
    grand_total = sum((s.total for s in statements), Decimal(0))
    assert Decimal(printed["TOTAL"]) == grand_total
    for kind in KINDERGARTEN:
        assert Decimal(printed[str(kind)]) == sum(s.totals()[kind] for s in statements), kind
    assert sum(Decimal(printed[str(kind)]) for kind in KINDERGARTEN) == Decimal(printed["TOTAL"])
    # the care home's own kinds are kinds of their own, never a kindergarten's payers
    for kind in set(PayerKind) - set(KINDERGARTEN):
        assert str(kind) not in printed
        assert all(s.totals()[kind] == 0 for s in statements)


@pytest.mark.slow
def test_summary_has_a_row_per_child_with_its_total(executed, recomputed) -> None:
    statements, _ = recomputed
    rows = _stdout(_cell(executed, "summary")).splitlines()[1:]
    assert len(rows) == len(statements)
    for row, statement in zip(rows, statements, strict=True):
        assert row.split()[0] == str(statement.child_code)
        assert str(statement.total) in row.split()


@pytest.mark.slow
def test_statement_shown_as_text_and_html(executed, recomputed) -> None:
    statements, _ = recomputed
    statement = {s.child_code: s for s in statements}[104]
    assert _stdout(_cell(executed, "explain")).rstrip("\n") == statement.explain()
    assert _data(_cell(executed, "html"), "text/html") == [statement._repr_html_()]


@pytest.mark.slow
def test_records_table_has_every_line(executed, recomputed) -> None:
    statements, _ = recomputed
    html = _data(_cell(executed, "records"), "text/html")[0]
    body = html.split("<tbody>", 1)[1]
    assert body.count("<tr>") == len(statements_to_records(statements))


@pytest.mark.slow
def test_checks_and_poracun_cells_report(executed, recomputed) -> None:
    statements, _ = recomputed
    checks = _stdout(_cell(executed, "checks")).splitlines()
    assert checks[-1] == f"all {len(statements)} statements add up to the cent"
    assert sum(line.endswith("  ok") for line in checks) == len(statements)
    poracun = _stdout(_cell(executed, "poracun")).splitlines()
    assert any(line.startswith("poračun ") for line in poracun)
