"""Plots and the HTML report, from results the CLI writes."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest
from matplotlib.figure import Figure

from simulation import plots
from simulation.cli import main
from simulation.metric_registry import HEADLINE

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def comparison(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("cmp")
    cmp = tmp / "cmp.yaml"
    cmp.write_text(
        f"baseline: clinic\nreplicates: 2\nseed: 1\ndays: 20\nscenarios:\n"
        f"  clinic: {ROOT / 'scenarios/hill/clinic.yaml'}\n"
        f"  hybrid: {ROOT / 'scenarios/hill/hybrid.yaml'}\n"
    )
    assert main(["compare", str(cmp), "--out", str(tmp / "out"), "-q"]) == 0
    return tmp / "out"


def test_every_figure_draws_from_a_results_folder(comparison):
    figs = plots.comparison_figures(comparison)
    assert set(figs) == set(plots.COMPARISON_FIGURES)
    for name, fig in figs.items():
        assert isinstance(fig, Figure), name
        ax = fig.axes[0]
        assert ax.get_title(), f"{name} needs a title"
        drawn = ax.lines or ax.patches or ax.collections
        assert drawn, f"{name} drew nothing"


def test_report_is_self_contained(comparison, tmp_path):
    out = tmp_path / "r.html"
    assert main(["report", str(comparison), "--out", str(out)]) == 0
    text = out.read_text()
    assert text.count("data:image/png;base64,") == len(plots.COMPARISON_FIGURES)
    assert not re.search(r'src="https?://', text), "no external resources"
    for metric in HEADLINE:
        assert html.escape(metric.heading) in text, f"headline row {metric.name}"
    for needle in (
        "Headline",
        "Difference against clinic",
        "True versus recorded",
        "ODD.md",
        "Scenario definitions",
        "hill_hybrid",
    ):
        assert needle in text, needle


def test_sweep_report(tmp_path):
    sweep = tmp_path / "s.yaml"
    sweep.write_text(
        f"name: s\nbase: {ROOT / 'scenarios/hill/hybrid.yaml'}\nreplicates: 1\n"
        "days: 5\nvary:\n  policing.officers: [6, 12]\n"
        "  policing.auxiliaries: [0, 20]\n"
    )
    assert main(["sweep", str(sweep), "-w", "1", "--out", str(tmp_path / "o"), "-q"]) == 0
    assert main(["report", str(tmp_path / "o")]) == 0
    text = (tmp_path / "o" / "report.html").read_text()
    assert text.count("data:image/png;base64,") == 4  # four heatmaps over the grid
    assert "Replicate means by design point" in text


def test_report_of_a_non_results_folder(tmp_path):
    assert main(["report", str(tmp_path)]) == 2
