"""Figures with Chinese text: drawn with a CJK font when the system has one, and without
Chinese characters (never as empty boxes) when it has none."""

from __future__ import annotations

import warnings

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import pytest

from simulation import fonts


def _chinese_figure():
    fig, ax = plt.subplots()
    ax.plot([0, 1], [0, 1], label="一村一警")
    ax.set_title("escalation rate (民转刑)")
    ax.set_xlabel("张家村 V003")
    ax.legend()
    return fig


def _draw(fig) -> list[str]:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fig.canvas.draw()
    plt.close(fig)
    return [str(w.message) for w in caught if "missing from font" in str(w.message)]


def test_chinese_labels_are_drawn_with_a_cjk_font():
    if fonts.cjk_font() is None:
        pytest.skip("no CJK font on this machine (.ci/run installs fonts-wqy-microhei)")
    fig = _chinese_figure()
    fonts.prepare(fig)
    assert fig.axes[0].get_title() == "escalation rate (民转刑)"  # kept: it can be drawn
    assert _draw(fig) == []  # no glyph drawn as a box


def test_without_a_cjk_font_chinese_is_left_out_not_boxed(monkeypatch):
    monkeypatch.setattr(fonts, "cjk_font", lambda: None)
    fig = _chinese_figure()
    fonts.prepare(fig)
    ax = fig.axes[0]
    assert ax.get_title() == "escalation rate"
    assert ax.get_xlabel() == "V003"
    # Nothing but Chinese: kept (an empty legend entry would say less than boxes).
    assert ax.get_legend().get_texts()[0].get_text() == "一村一警"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("escalation rate (民转刑)", "escalation rate"),
        ("一村一警 / village officer", "village officer"),
        ("visibility（见警率）", "visibility"),
        ("plain text", "plain text"),
        ("派出所", "派出所"),
    ],
)
def test_without_cjk(text, expected):
    assert fonts.without_cjk(text) == expected
