"""The Textual app: compose, global bindings, message routing. No domain logic.

The pipeline runs on its own threads and posts :class:`LogUpdate` messages;
``on_log_update`` folds them into the line store, the alert book and the
widgets. Rendering of rows happens only for what is on screen.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Iterable, Mapping
from datetime import datetime
from pathlib import Path

from textual import on
from textual.app import App, ComposeResult, SystemCommand
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Footer
from textual.worker import Worker, WorkerState

from logwatch_tui.analysis.pattern_index import PatternIndex
from logwatch_tui.config import AppConfig, save_ui_setting
from logwatch_tui.core.alerts import AlertItem
from logwatch_tui.core.formats import make_format
from logwatch_tui.core.formats.base import LogFormat, ParsedLine
from logwatch_tui.core.rule_regex import RegexTimeout
from logwatch_tui.core.rules import Rule, rule_summary
from logwatch_tui.core.stats import StatsSnapshot
from logwatch_tui.core.store import LineStore
from logwatch_tui.core.tomlio import ConfigError
from logwatch_tui.ingest.existing import EarlyIndex
from logwatch_tui.ingest.live import LiveIndex
from logwatch_tui.pipeline import Pipeline, PipelineUpdate, preview_store
from logwatch_tui.ui.alerting import AlertController, DeliveryUpdate, HistoryLoaded
from logwatch_tui.ui.commands import LEVEL_KEYS, palette_commands
from logwatch_tui.ui.investigate import ExportDone, Investigation, SearchDone, SearchProgress
from logwatch_tui.ui.messages import LogUpdate
from logwatch_tui.ui.rule_editing import RuleEditing, RulesReloaded
from logwatch_tui.ui.screens.alert_detail import AlertDetailScreen
from logwatch_tui.ui.screens.filters import FiltersScreen
from logwatch_tui.ui.screens.help import HelpScreen
from logwatch_tui.ui.screens.histogram import HistogramScreen
from logwatch_tui.ui.screens.patterns import PatternsScreen
from logwatch_tui.ui.screens.record_detail import RecordDetailScreen
from logwatch_tui.ui.screens.rule_editor import RuleEditor
from logwatch_tui.ui.screens.rules import RulesScreen
from logwatch_tui.ui.screens.silence import SilenceChoice, SilenceScreen
from logwatch_tui.ui.themes import install_themes
from logwatch_tui.ui.widgets.alerts_pane import AlertsPane
from logwatch_tui.ui.widgets.filter_bar import FilterBar
from logwatch_tui.ui.widgets.histogram_view import HistogramView
from logwatch_tui.ui.widgets.log_view import LogView
from logwatch_tui.ui.widgets.prompt_bar import PromptBar
from logwatch_tui.ui.widgets.stats_panel import StatsPanel
from logwatch_tui.ui.widgets.status_header import StatusHeader
from logwatch_tui.ui.worker_failures import WorkerFailed, failure_text, log_failure

log = logging.getLogger(__name__)


def local_zone_label() -> str:
    """``UTC``, ``CET``, ``UTC+05:30``: the zone the time column is shown in."""
    now = datetime.now().astimezone()
    name = now.tzname() or ""
    off = now.strftime("%z")
    off = f"{off[:3]}:{off[3:]}" if off else ""
    if name and not name.startswith(("+", "-")):
        return name if name == "UTC" else f"{name}"
    return f"UTC{off}" if off else "local time"


PREVIEW_MIN_BYTES = 16 * 1024 * 1024
"""Files at least this big show their last lines at once while the full index loads."""
PREBUILD_AFTER = 0.5
"""Seconds after catching up before the rule editor is built ahead (while idle)."""


class LogwatchApp(App[int]):
    """Follow logs, filter by level, watch stats and alerts."""

    CSS_PATH = "app.tcss"
    TITLE = "logwatch-tui"

    BINDINGS = [
        Binding("question_mark", "help", "Help"),
        *[
            Binding(k, f"toggle_level({int(lv)})", f"Toggle {lv.name}", show=False)
            for k, lv in LEVEL_KEYS.items()
        ],
        Binding("plus,equals_sign,right_square_bracket", "min_level(1)", "Min level +", show=False),
        Binding("minus,left_square_bracket", "min_level(-1)", "Min level -", show=False),
        Binding("a", "show_all_levels", "All levels", show=False),
        Binding("slash", "prompt('search')", "Search"),
        Binding("i", "prompt('filter-in')", "Filter in", show=False),
        Binding("x", "prompt('filter-out')", "Filter out", show=False),
        Binding("T", "prompt('time-range')", "Time range", show=False),
        Binding("t", "prompt('jump-time')", "Jump to time", show=False),
        Binding("F", "manage_filters", "Filters", show=False),
        Binding("enter", "detail", "Detail", show=False),
        Binding("H", "histogram", "Histogram", show=False),
        Binding("X", "prompt('export')", "Export", show=False),
        Binding("escape", "clear_search", "Clear search", show=False),
        Binding("o", "cycle_source", "One source", show=False),
        Binding("R", "rules", "Rules", show=False),
        Binding("A", "new_rule_from_line", "New rule from line", show=False),
        Binding("P", "patterns", "Patterns", show=False),
        Binding("s", "toggle_side", "Panel"),
        Binding("tab", "focus_next", "Focus", show=False),
        Binding("q", "quit", "Quit"),
    ]

    def __init__(
        self,
        sources: list[str],
        *,
        rules: Iterable[Rule] = (),
        config: AppConfig | None = None,
        format_name: str | None = None,
        tail_lines: int | None = None,
        theme: str | None = None,
        use_watchdog: bool = True,
        preview_min_bytes: int = PREVIEW_MIN_BYTES,
        use_history: bool = True,
        rules_path: Path | str | None = None,
        early_index: EarlyIndex | None = None,
    ) -> None:
        super().__init__()
        self.early_index = early_index
        self._live_index: LiveIndex | None = None
        """A big file's ranges parsed by worker processes since launch (the pipeline
        takes them if they are of the content it opens)."""
        self.sources = list(sources)
        self.rules = list(rules)
        self.config = config if config is not None else AppConfig(path=Path(os.devnull))
        self._display_formats: dict[str, LogFormat | None] = {}
        """Format name -> this thread's instance for display parsing (display_format)."""
        self.format_name = format_name
        self.tail_lines = tail_lines
        self.requested_theme = theme
        self.use_watchdog = use_watchdog
        self.preview_min_bytes = preview_min_bytes
        self.store = LineStore()
        self.alerting = AlertController(self, self.rules)
        self.investigation = Investigation(self)
        self._pattern_index: PatternIndex | None = None
        self.rule_editing = RuleEditing(self, Path(rules_path) if rules_path is not None else None)
        self.book = self.alerting.book
        self.use_history = use_history
        self.pipeline: Pipeline | None = None
        self.caught_up = False
        self._preview_active = False
        self._sizes: dict[str, int] = {}
        self._read: dict[str, int] = {}
        self._theme_ready = False
        self._latest_stats: StatsSnapshot | None = None
        self.fired_counts: Mapping[str, int] = {}
        """Firings per rule id this session (the pipeline's latest snapshot)."""

    # -- composition -----------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        # In the flow, top to bottom (only the footer docks): header, filter bar (when
        # filters are on), log + side column, prompt (while asking), footer.
        yield StatusHeader(id="header")
        yield FilterBar(id="filter-bar")
        with Horizontal(id="main"):
            yield LogView(self.store, id="log")
            with Vertical(id="side"):
                yield StatsPanel(id="stats")
                yield AlertsPane(self.book, id="alerts")
        yield PromptBar(id="prompt")
        yield Footer()

    def on_mount(self) -> None:
        # Keep references: queries go to the *active* screen, which may be a modal.
        self.log_view = self.query_one(LogView)
        self.header = self.query_one(StatusHeader)
        self.stats_panel = self.query_one(StatsPanel)
        self.alerts_pane = self.query_one(AlertsPane)
        self.side = self.query_one("#side")
        self.filter_bar = self.query_one(FilterBar)
        self.prompt_bar = self.query_one(PromptBar)
        self._setup_theme()
        self.log_view.parse_of = lambda sid, text: self._parsed_of(sid, text, self.log_view.store)
        self.log_view.declared_columns = self._declared_columns
        self.header.zone = local_zone_label()
        self.alerts_pane.in_scope = self._alert_in_scope
        self.log_view.focus()
        self.header.sources = self._sources_label()
        self._apply_width_class(self.size.width)
        for path in self.sources:
            try:
                self._sizes[path] = os.path.getsize(path)
            except OSError:
                pass
        if sum(self._sizes.values()) >= self.preview_min_bytes:
            preview = preview_store(
                list(self._sizes), format_name=self.format_name, custom_formats=self.config.formats
            )
            if preview is not None:
                self._preview_active = True
                self.header.progress = 0.0
                self.log_view.set_store(preview)
        self.alerting.start(
            self.config.notifiers,
            use_history=self.use_history,
            history_days=self.config.history_days,
            history_rows=self.config.history_max_rows,
        )
        self.start_pipeline()
        self.set_interval(0.25, self._refresh_panels)
        self.set_interval(2.0, self.rule_editing.check_file)

    def start_pipeline(self) -> None:
        import functools

        from logwatch_tui.ingest.existing import replay_packed

        self._live_index = LiveIndex()
        self.pipeline = Pipeline(
            self.sources,
            sink=self._post_update,
            rules=self.rules,
            format_name=self.format_name,
            custom_formats=self.config.formats,
            tail_lines=self.tail_lines,
            want_offsets=True,
            use_watchdog=self.use_watchdog,
            index_existing=functools.partial(replay_packed, early=self.early_index),
            index_live=self._live_index,
        )
        self.pipeline.start()

    def _post_update(self, update: PipelineUpdate) -> None:
        # Called on the pipeline thread: post only (the alert router queues history
        # writes to its own thread); never touch widgets from this thread.
        self.post_message(LogUpdate(update))

    def on_unmount(self) -> None:
        if self.early_index is not None:
            self.early_index.cancel()
        if self.pipeline is not None:
            self.pipeline.stop()
        if self._live_index is not None:
            self._live_index.close()
        self.alerting.stop()

    def _sources_label(self) -> str:
        """One file: its path. Otherwise how many files are read (a glob counts the
        files it matched, not itself) and the globs being watched."""
        from logwatch_tui.sources.specs import expand_specs

        try:
            files, globs = expand_specs(self.sources)
        except OSError:
            files, globs = list(self.sources), []
        read = sum(1 for name in self.store.source_names if name)
        n = max(read, len(files))
        if n == 1 and not globs:
            return files[0]
        label = f"{n} source{'s' if n != 1 else ''}"
        return f"{label} ({', '.join(globs)})" if globs else label

    def _message_of(self, source_id: int, text: str, store: LineStore | None = None) -> str | None:
        """The message part of a header line, for display (None: show the raw line).

        ``store`` is the store ``source_id`` belongs to (default: the full index; the
        log view passes its own, which is the quick preview while a big file loads).
        """
        parsed = self._parsed_of(source_id, text, store)
        return parsed.message if parsed is not None and parsed.message else None

    def _alert_in_scope(self, item: AlertItem) -> bool:
        """An earlier run's alert belongs in the pane when one of this run's rules raised it
        about one of this run's sources."""
        if item.rule not in {r.id for r in self.rules}:
            return False
        if not item.source:
            return True
        ours = {*self.sources, *self.store.source_names}
        return item.source in ours or os.path.abspath(item.source) in {
            os.path.abspath(p) for p in ours if p
        }

    def display_format(
        self, source_id: int, store: LineStore | None = None, *, fresh: bool = False
    ) -> LogFormat | None:
        """This thread's own instance of a source's format, for display parsing.

        The pipeline's format objects keep caches and per-file year state on the
        pipeline thread, so the UI never calls them; it parses shown rows with its own
        instance of the same format (by name; times come from the store's columns).
        ``fresh``: a new, uncached instance, for a worker thread (export).
        """
        store = store if store is not None else self.store
        names = store.formats
        if source_id >= len(names) or not names[source_id]:
            return None
        name = names[source_id]
        if fresh:
            try:
                return make_format(name, custom=self.config.formats)
            except ValueError:
                return None
        if name not in self._display_formats:
            try:
                self._display_formats[name] = make_format(name, custom=self.config.formats)
            except ValueError:  # a format this run can't rebuild: show raw lines
                log.debug("no display format %s", name, exc_info=True)
                self._display_formats[name] = None
        return self._display_formats[name]

    def _declared_columns(self, source_id: int) -> tuple[str, ...] | None:
        """Field columns a source's format declares (``columns``), when it does."""
        fmt = self.display_format(source_id, self.log_view.store)
        columns = getattr(fmt, "columns", None) if fmt is not None else None
        return tuple(columns) if columns else None

    def _parsed_of(
        self, source_id: int, text: str, store: LineStore | None = None
    ) -> ParsedLine | None:
        """A header line parsed by its source's format (message, fields), or None."""
        fmt = self.display_format(source_id, store)
        if fmt is None:
            return None
        try:
            return fmt.parse(text)
        except Exception:  # a format bug must not take the screen down: show the raw line
            log.debug("format %s failed on a line", fmt.name, exc_info=True)
            return None

    # -- themes --------------------------------------------------------------------------------
    def _setup_theme(self) -> None:
        wanted = self.requested_theme or self.config.theme
        for problem in install_themes(self, wanted):
            self.notify(problem, title="Theme", severity="warning", markup=False)
        self._theme_ready = True

    def watch_theme(self, theme: str) -> None:
        """Persist a theme chosen in the palette (not the one set at startup)."""
        if not self._theme_ready or theme == self.config.theme:
            return
        path = self.config.path
        if str(path) == os.devnull:
            return
        try:
            save_ui_setting(path, "theme", theme)
            self.config.theme = theme
        except (ConfigError, OSError) as exc:
            self.notify(f"theme not saved: {exc}", severity="warning", markup=False)

    # -- layout -------------------------------------------------------------------------------
    def on_resize(self, event) -> None:
        self._apply_width_class(event.size.width)

    def _apply_width_class(self, width: int) -> None:
        self.screen.set_class(width >= 140, "-wide")
        self.screen.set_class(width < 100, "-narrow")

    def action_toggle_side(self) -> None:
        self.side.display = not self.side.display

    # -- pipeline updates ---------------------------------------------------------------------
    @on(LogUpdate)
    def on_log_update(self, message: LogUpdate) -> None:
        upd = message.update
        view = self.log_view
        sources_before = len(self.store.source_names)
        for batch in upd.batches:
            new = self.store.append(batch)
            if not self._preview_active:
                view.lines_appended(new)
                self.investigation.lines_appended(new)
            if batch.end_offset is not None:
                self._read[batch.source] = batch.end_offset
        for ev in upd.events:
            if ev.kind in ("waiting", "error", "rotated", "truncated", "deleted", "skipped", "cut"):
                self.header.note = ev.message
                if ev.kind in ("error", "skipped"):
                    severity = "error" if ev.kind == "error" else "warning"
                    self.notify(ev.message, title="Source", severity=severity, markup=False)
            elif ev.kind == "opened" and self.header.note:
                self.header.note = ""
        if len(self.store.source_names) != sources_before:
            self.header.sources = self._sources_label()
        if upd.history_alerts or upd.alerts:
            self.alerting.on_alerts(upd.history_alerts, upd.alerts)
        if upd.notices:
            self.alerting.on_notices(upd.notices)
        if upd.stats is not None:  # a flushed update: the snapshots below are fresh
            self.book.refresh(list(upd.active))
            self.fired_counts = upd.fired_counts
        if upd.stats is not None:
            self._latest_stats = upd.stats
        if upd.caught_up and not self.caught_up:
            self.caught_up = True
            self.header.progress = None
            self.set_timer(PREBUILD_AFTER, self.rule_editing.prebuild)
            if self._preview_active:
                self._preview_active = False
                view.set_store(self.store)
        elif not self.caught_up and self._sizes:
            total = sum(self._sizes.values())
            done = sum(self._read.values())
            self.header.progress = min(1.0, done / total) if total else None
        if upd.sources:
            # the pipeline's snapshot: its own dict of parsers grows on its thread
            self.header.format_name = ",".join(sorted({name for _, name in upd.sources}))

    def _refresh_panels(self) -> None:
        stats = self._latest_stats
        if stats is not None:
            self.stats_panel.snapshot = stats
        self.book.active_silences(time.time())  # expire silences
        self.alerts_pane.refresh_items()
        self.header.firing = self.book.firing_count

    # -- background jobs ------------------------------------------------------------------------
    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """The one place a failed background job is reported: logged, and an error toast.

        Widgets reset their own "busy" state in their handlers first (the message
        bubbles up to here); state the app owns is reset below. The app stays up.
        """
        if event.state == WorkerState.ERROR:
            self._report_failure(event.worker)

    @on(WorkerFailed)
    def _on_worker_failed(self, message: WorkerFailed) -> None:
        self._report_failure(message.worker)

    def _report_failure(self, worker: Worker[object]) -> None:
        if isinstance(worker.error, RegexTimeout):  # a typed regex cut off by its budget
            if worker.group == "search":
                self.investigation.search_cut_off(worker.error)
                return
            if worker.group == "logview-filter":
                self.investigation.filter_cut_off(worker.error)
                return
        log_failure(worker)
        self.log.error(failure_text(worker))
        if worker.group == "search":
            self.investigation.search_failed()
        elif worker.group == "rules-reload":
            self.rule_editing.reload_failed()
        self.notify(failure_text(worker), title="Error", severity="error", timeout=10, markup=False)

    # -- log view messages ------------------------------------------------------------------------
    @on(LogView.FilterCutOff)
    def _on_filter_cut_off(self, event: LogView.FilterCutOff) -> None:
        self.investigation.filter_cut_off(event.error)

    @on(LogView.FollowChanged)
    def _on_follow(self, event: LogView.FollowChanged) -> None:
        self.header.follow = event.follow
        if event.follow:
            self.header.new_lines = 0

    @on(LogView.NewWhilePaused)
    def _on_new_while_paused(self, event: LogView.NewWhilePaused) -> None:
        self.header.new_lines = 0 if self.log_view.follow else event.count

    @on(LogView.FilterChanged)
    def _on_filter(self, event: LogView.FilterChanged) -> None:
        self.header.hidden = event.hidden
        self.header.min_level = event.min_level
        total = len(self.log_view.store)
        narrowed = bool(self.log_view.narrowing())
        self.header.shown = f"{event.shown:,} of {total:,} lines" if narrowed else ""

    @on(LogView.Jumped)
    def _on_jumped(self, event: LogView.Jumped) -> None:
        self.notify(event.text, timeout=2, markup=False)

    @on(AlertsPane.Opened)
    def _on_alert_opened(self, event: AlertsPane.Opened) -> None:
        self.action_alert_detail(event.uid)

    @on(AlertsPane.LiftSilence)
    def _on_lift_silence(self, message: AlertsPane.LiftSilence) -> None:
        lifted = self.alerting.lift_scope(message.rule, message.key)
        self.notify("silence lifted" if lifted else "no such silence", markup=False)

    @on(AlertsPane.Action)
    def _on_alert_action(self, event: AlertsPane.Action) -> None:
        item = self.book.get(event.uid)
        if item is None:
            return
        if event.action == "ack":
            if self.alerting.acknowledge(event.uid) is None:
                self.notify("only a firing alert can be acknowledged", markup=False)
            else:
                self.notify(f"acknowledged: {item.name}", markup=False)
        elif event.action == "silence":

            def chosen(choice: SilenceChoice | None) -> None:
                if choice is not None:
                    self.alerting.silence(item, choice.per_key, choice.seconds)
                    self.notify(f"silenced: {item.name}", markup=False)

            self.push_screen(SilenceScreen(item), chosen)
        elif event.action == "unsilence":
            lifted = self.alerting.lift(item)
            self.notify("silence lifted" if lifted else "no silence to lift", markup=False)

    # -- investigate -------------------------------------------------------------------------
    def action_prompt(self, kind: str) -> None:
        value = self.investigation.search_pattern if kind == "search" else ""
        self.prompt_bar.ask(kind, value)

    @on(PromptBar.Submitted)
    def _on_prompt(self, message: PromptBar.Submitted) -> None:
        error = self.investigation.submit(message.kind, message.value)
        if error:
            self.prompt_bar.show_error(error)
            return
        self.prompt_bar.close()
        self.log_view.focus()

    @on(PromptBar.Cancelled)
    def _on_prompt_cancelled(self) -> None:
        self.log_view.focus()

    def action_clear_search(self) -> None:
        """Escape: clear the search highlight, then a pattern restriction."""
        if self.log_view.search_rx is not None:
            self.investigation.clear_search()
        elif self.log_view.restriction is not None:
            self.log_view.set_restriction(None)
            self.filter_bar.extra = ""

    def action_manage_filters(self) -> None:
        self.investigation.manage_filters()

    def action_detail(self) -> None:
        self.investigation.open_detail()

    def action_histogram(self) -> None:
        self.investigation.open_histogram()

    @on(SearchProgress)
    def _on_search_progress(self, message: SearchProgress) -> None:
        self.investigation.on_search_progress(message)

    @on(SearchDone)
    def _on_search_done(self, message: SearchDone) -> None:
        self.investigation.on_search_done(message)

    @on(ExportDone)
    def _on_export_done(self, message: ExportDone) -> None:
        self.investigation.on_export_done(message)

    # -- rules -------------------------------------------------------------------------------
    def action_rules(self) -> None:
        self.rule_editing.open_rules()

    def action_new_rule_from_line(self) -> None:
        self.rule_editing.new_rule_from_line()

    def action_patterns(self) -> None:
        if self._pattern_index is None:
            self._pattern_index = PatternIndex(self.store, self._message_of)
        self.push_screen(PatternsScreen(self._pattern_index))

    @on(PatternsScreen.PatternChosen)
    def _on_pattern_chosen(self, message: PatternsScreen.PatternChosen) -> None:
        self.log_view.set_restriction(message.lines, f"pattern: {message.template}")
        self.filter_bar.extra = (
            f"pattern: {message.template} ({len(message.lines):,} lines; Esc clears)"
        )

    @on(PatternsScreen.RuleFromPattern)
    def _on_rule_from_pattern(self, message: PatternsScreen.RuleFromPattern) -> None:
        self.rule_editing.new_rule(message.sample_message)

    @on(RulesScreen.RulesChanged)
    def _on_rules_changed(self, message: RulesScreen.RulesChanged) -> None:
        self.rule_editing.apply(message)

    @on(RulesReloaded)
    def _on_rules_reloaded(self, message: RulesReloaded) -> None:
        self.rule_editing.on_reloaded(message)

    @on(DeliveryUpdate)
    def _on_delivery(self, message: DeliveryUpdate) -> None:
        self.alerting.on_delivery(message)

    @on(HistoryLoaded)
    def _on_history_loaded(self, message: HistoryLoaded) -> None:
        self.alerting.on_history_loaded(message)

    # -- actions -----------------------------------------------------------------------------------
    def action_help(self) -> None:
        self.push_screen(
            HelpScreen(
                [
                    ("Log view", list(LogView.BINDINGS)),
                    ("App", list(self.BINDINGS)),
                    ("Alerts pane", list(AlertsPane.BINDINGS)),
                    ("Rules screen", list(RulesScreen.BINDINGS)),
                    ("Patterns", list(PatternsScreen.BINDINGS)),
                    ("Rule editor", list(RuleEditor.BINDINGS)),
                    ("Histogram", [*HistogramView.BINDINGS, *HistogramScreen.BINDINGS]),
                    ("Record detail", list(RecordDetailScreen.BINDINGS)),
                    ("Filters", list(FiltersScreen.BINDINGS)),
                ]
            )
        )

    def action_toggle_level(self, level: int) -> None:
        self.log_view.toggle_level(level)

    def action_min_level(self, delta: int) -> None:
        self.log_view.change_min_level(delta)

    def action_show_all_levels(self) -> None:
        self.log_view.show_all_levels()

    def action_cycle_source(self) -> None:
        label = self.log_view.cycle_source()
        self.header.only_source = "" if self.log_view.only_source is None else label
        self.notify(f"showing {label}", timeout=2, markup=False)

    def action_alert_detail(self, uid: int | None = None) -> None:
        if uid is None:
            first = next(iter(self.book), None)
            if first is None:
                self.notify("no alerts yet", markup=False)
                return
            uid = first.uid
        item = self.book.get(uid)
        if item is None:
            return
        rule = next((r for r in self.rules if r.id == item.rule), None)
        self.push_screen(AlertDetailScreen(item, rule_summary(rule) if rule else ""))

    LOG_ACTIONS = frozenset(
        {
            "toggle_level",
            "min_level",
            "show_all_levels",
            "prompt",
            "manage_filters",
            "detail",
            "histogram",
            "clear_search",
            "cycle_source",
            "new_rule_from_line",
            "toggle_side",
        }
    )

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Keys that act on the log view do nothing while another full screen is shown."""
        return not (action in self.LOG_ACTIONS and self.screen is not self.screen_stack[0])

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        if isinstance(screen, RulesScreen):
            yield from screen.system_commands()
            return
        yield from palette_commands(self)

    def action_notify_test(self, name: str) -> None:
        def done(text: str, ok: bool) -> None:
            severity = "information" if ok else "error"
            self.notify(text, title="Test notification", severity=severity, markup=False)

        self.notify(f"sending a test alert through {name}…", markup=False)
        self.alerting.notify_test(name, self.config.notifiers, done)

    async def action_focused_log(self, action: str) -> None:
        """Run a log-view action from the palette (where the view has no focus)."""
        await self.log_view.run_action(action)
