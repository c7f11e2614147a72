"""Chinese text in figures: labels such as 民转刑, comparison labels such as 一村一警 and village
names from a county's own files. matplotlib's default font (DejaVu Sans) has no CJK glyphs and
draws them as empty boxes. rpsim uses a CJK-capable font when the system has one (e.g. Debian's
fonts-noto-cjk or fonts-wqy-microhei) as a fallback after DejaVu Sans; without one, figures
leave the Chinese characters out of their text where the rest still reads (a label
"escalation rate (民转刑)" becomes "escalation rate") rather than drawing boxes.
"""

from __future__ import annotations

import functools
import re
import warnings

import matplotlib
from matplotlib.figure import Figure
from matplotlib.text import Text

# Families that cover Chinese, most common on Linux first (then macOS and Windows names).
CJK_FAMILIES = (
    "Noto Sans CJK SC",
    "Noto Sans CJK JP",
    "Noto Sans SC",
    "Source Han Sans SC",
    "WenQuanYi Micro Hei",
    "WenQuanYi Zen Hei",
    "Droid Sans Fallback",
    "AR PL UMing CN",
    "PingFang SC",
    "Heiti SC",
    "Microsoft YaHei",
    "SimHei",
)
CJK = re.compile(
    r"[\u2e80-\u2fdf\u3000-\u303f\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef]+"
)


@functools.cache
def cjk_font() -> str | None:
    """The first CJK-capable font family installed, or None."""
    from matplotlib import font_manager

    installed = {f.name for f in font_manager.fontManager.ttflist}
    return next((name for name in CJK_FAMILIES if name in installed), None)


def use_cjk_font() -> str | None:
    """Put the CJK font (if any) after the default font family, so Latin text keeps its look
    and Chinese characters fall back to it; returns the font's name."""
    font = cjk_font()
    if font is not None:
        families = list(matplotlib.rcParams["font.family"])
        if font not in families:  # matplotlib falls back along the family list, glyph by glyph
            matplotlib.rcParams["font.family"] = [*families, font]
    return font


def without_cjk(text: str) -> str:
    """The text with its Chinese characters left out, and the brackets they leave empty;
    unchanged when nothing else would remain (boxes then, rather than an empty label)."""
    out = CJK.sub("", text)
    out = re.sub(r"\s*[(（\[]\s*[)）\]]", "", out)
    out = re.sub(r"\s*/\s*$|^\s*/\s*", "", out).strip()
    return out if re.search(r"\w", out) else text


def prepare(fig: Figure) -> None:
    """Before a figure is saved: the CJK font if the system has one, else its texts without
    Chinese characters (and no per-glyph warnings)."""
    font = use_cjk_font()
    if font is not None:
        for text in fig.findobj(Text):  # made before the font was known
            if CJK.search(text.get_text()) and font not in text.get_fontfamily():
                text.set_fontfamily([*text.get_fontfamily(), font])
        return
    for text in fig.findobj(Text):
        content = text.get_text()
        if CJK.search(content):
            text.set_text(without_cjk(content))
    warnings.filterwarnings("ignore", message="Glyph .* missing from font")
