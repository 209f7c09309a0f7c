"""Totals, lines/s, per-level counts with bars, and per-level rate sparklines."""

from __future__ import annotations

from rich.text import Text
from textual.reactive import reactive
from textual.widget import Widget

from logwatch_tui.core.levels import Level
from logwatch_tui.core.stats import StatsSnapshot

BLOCKS = " ▁▂▃▄▅▆▇█"
SHOWN = (
    Level.CRITICAL,
    Level.ERROR,
    Level.WARNING,
    Level.NOTICE,
    Level.INFO,
    Level.DEBUG,
    Level.TRACE,
    Level.UNKNOWN,
)


def sparkline(values: tuple[int, ...] | list[int], width: int) -> str:
    """The last ``width`` values as block characters scaled to their max."""
    vals = list(values)[-width:]
    top = max(vals, default=0)
    if top <= 0:
        return " " * len(vals)
    return "".join(BLOCKS[min(8, (v * 8 + top - 1) // top)] if v else " " for v in vals)


class StatsPanel(Widget):
    """Counts and rates per level; redrawn at most a few times a second."""

    DEFAULT_CSS = """
    StatsPanel {
        height: auto;
        border: round $panel-lighten-2;
        border-title-color: $text-muted;
        padding: 0 1;
    }
    StatsPanel > .stats--label { color: $text-muted; }
    StatsPanel > .stats--unknown { color: $text-muted; }
    StatsPanel > .stats--trace { color: $text-disabled; }
    StatsPanel > .stats--debug { color: $text-muted; }
    StatsPanel > .stats--info { color: $success; }
    StatsPanel > .stats--notice { color: $accent; }
    StatsPanel > .stats--warning { color: $warning; }
    StatsPanel > .stats--error { color: $error; }
    StatsPanel > .stats--critical { color: $error; text-style: bold underline; }
    """
    COMPONENT_CLASSES = {"stats--label", *(f"stats--{lv.name.lower()}" for lv in Level)}

    snapshot: reactive[StatsSnapshot | None] = reactive(None, layout=True)
    """Latest stats from the pipeline."""

    def on_mount(self) -> None:
        self.border_title = "Stats"

    def render(self) -> Text:
        snap = self.snapshot
        label = self.get_component_rich_style("stats--label")
        t = Text(no_wrap=True, overflow="ellipsis")
        if snap is None:
            t.append("waiting for lines…", label)
            return t
        width = max(10, self.content_region.width or 30)
        t.append("lines ", label)
        t.append(f"{snap.total_lines:,}")
        t.append("  rate ", label)
        t.append(f"{snap.lines_per_sec:,.0f}/s\n")
        total = max(1, snap.total_records)
        bar_w = max(3, width - 15)
        spark_w = max(3, width - 6)  # label column: 5-letter names + a space
        for lv in SHOWN:
            n = snap.counts[lv]
            if not n and lv in (Level.TRACE, Level.NOTICE, Level.UNKNOWN):
                continue
            st = self.get_component_rich_style(f"stats--{lv.name.lower()}")
            filled = round(bar_w * n / total) if n else 0
            t.append(f"{lv.label:<5}", st)
            t.append(f"{n:>9,} ", st)
            t.append("█" * filled, st)
            t.append("·" * (bar_w - filled) + "\n", label)
        span = int(snap.bucket_seconds * min(spark_w, len(snap.series[0]) if snap.series else 0))
        t.append(f"per {snap.bucket_seconds:g}s, last {span // 60}m\n", label)
        for lv in (Level.CRITICAL, Level.ERROR, Level.WARNING, Level.INFO, Level.DEBUG):
            series = snap.series[lv] if snap.series else ()
            if not any(series):
                continue
            st = self.get_component_rich_style(f"stats--{lv.name.lower()}")
            t.append(f"{lv.label:<6}", st)
            t.append(sparkline(series, spark_w) + "\n", st)
        t.rstrip()
        return t
