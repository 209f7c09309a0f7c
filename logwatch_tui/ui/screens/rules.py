"""The rules screen: every rule, its state and how often it fired; add, edit, toggle, delete.

Every change is written to the rules file at once (atomically, only the keys
that changed, by :func:`~logwatch_tui.core.rules.save_rules`) and announced with
:class:`RulesScreen.RulesChanged`, which the app turns into engine updates.
If the file cannot be written the change is not applied at all, so the
screen, the file and the running engine never disagree.

Rule names and regexes are user text: cells are ``rich.text.Text``, never markup.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path

from rich.style import Style
from rich.text import Text
from textual import on
from textual.app import ComposeResult, SystemCommand
from textual.binding import Binding
from textual.events import Resize
from textual.message import Message
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Static

from logwatch_tui.analysis.backtest import BacktestHistory
from logwatch_tui.core.rules import Rule, RuleError, load_rules, rule_summary, save_rules
from logwatch_tui.core.tomlio import ConfigError
from logwatch_tui.ui.safe_text import inert
from logwatch_tui.ui.screens.confirm import ConfirmScreen
from logwatch_tui.ui.screens.rule_editor import open_rule_editor

FiredCounts = Mapping[str, int] | Callable[[], Mapping[str, int]]
HistoryProvider = Callable[[], BacktestHistory | None]
WIDE = 120
"""From this width the table also shows each rule's match regex."""


def apply_rule_edit(
    rules: Sequence[Rule], rule: Rule, *, replaces: str | None = None, after: str | None = None
) -> list[Rule]:
    """The rule list with ``rule`` saved: in place of id ``replaces``, else after ``after``, else last."""
    out = list(rules)
    ids = [r.id for r in out]
    if replaces is not None and replaces in ids:
        out[ids.index(replaces)] = rule
    elif after is not None and after in ids:
        out.insert(ids.index(after) + 1, rule)
    else:
        out.append(rule)
    return out


def write_rules(
    path: str | os.PathLike[str], rules: Iterable[Rule], *, base: Sequence[Rule] | None = None
) -> list[Rule]:
    """Save the rules file atomically, creating its directory (first rule ever) if needed.

    Only what changed from ``base`` (the list the edit started from) is
    written; comments and changes made to the file meanwhile stay. Returns
    the rules the file now holds. Raises :class:`ConfigError` with a one-line
    reason naming the file (and line) — a file that doesn't parse is never written.
    """
    p = Path(path)
    try:
        p.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ConfigError(f"{p}: cannot save: {exc.strerror or exc}", path=p) from exc
    return save_rules(p, rules, base=base)


class RulesScreen(Screen[None]):
    """A table of the rules; every change is saved and reported with :class:`RulesChanged`."""

    DEFAULT_CSS = """
    RulesScreen { layout: vertical; }
    RulesScreen #rules-title { height: 1; padding: 0 1; background: $panel; text-style: bold; }
    RulesScreen DataTable { height: 1fr; }
    RulesScreen #rules-detail {
        height: 5;
        padding: 0 1;
        border-top: solid $primary 50%;
    }
    RulesScreen > .rules--off { color: $text-disabled; }
    RulesScreen > .rules--label { color: $text-muted; }
    RulesScreen > .rules--severity-info { color: $accent; }
    RulesScreen > .rules--severity-warning { color: $warning; }
    RulesScreen > .rules--severity-error { color: $error; }
    RulesScreen > .rules--severity-critical { color: $error; text-style: bold reverse; }
    """

    BINDINGS = [
        Binding("a", "add", "Add"),
        Binding("e", "edit", "Edit"),
        Binding("d", "duplicate", "Duplicate"),
        Binding("space", "toggle", "On/off"),
        Binding("delete,x", "delete", "Delete"),
        Binding("escape,q", "close", "Close"),
    ]

    COMPONENT_CLASSES = {
        "rules--off",
        "rules--label",
        "rules--severity-info",
        "rules--severity-warning",
        "rules--severity-error",
        "rules--severity-critical",
    }

    class RulesChanged(Message):
        """The rules file was rewritten. ``rules`` is the whole new list, in file order.

        ``changed_id`` is the rule added, edited or toggled; ``removed_id`` a rule
        that is gone (deleted, or an edit changed its id). The app applies them to
        the running engine (``Pipeline.replace_rule`` / ``remove_rule``, or simply
        ``set_rules(rules)``, which keeps the state of unchanged rules).
        """

        def __init__(
            self, rules: list[Rule], changed_id: str | None, removed_id: str | None
        ) -> None:
            super().__init__()
            self.rules = rules
            self.changed_id = changed_id
            self.removed_id = removed_id

    def __init__(
        self,
        rules_path: str | os.PathLike[str],
        rules: Sequence[Rule],
        fired_counts: FiredCounts | None = None,
        history_provider: HistoryProvider | None = None,
        *,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        """``fired_counts``: firings per rule id this session (a live mapping or a function).

        ``history_provider`` is called each time an editor opens, so its backtest
        covers what the app has loaded by then.
        """
        super().__init__(name=name, id=id, classes=classes)
        self.rules_path = Path(rules_path)
        self.rules: list[Rule] = list(rules)
        self.fired_counts = fired_counts
        self.history_provider = history_provider
        self._counts: dict[str, int] = {}
        self._wide = False

    # -- composition ----------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        yield Static("", id="rules-title", markup=False)
        yield DataTable(cursor_type="row", zebra_stripes=True, id="rules-table")
        yield Static("", id="rules-detail", markup=False)
        yield Footer()

    @property
    def table(self) -> DataTable:
        return self.query_one("#rules-table", DataTable)

    def on_mount(self) -> None:
        self._counts = self._read_counts()
        self._wide = self.app.size.width >= WIDE
        self._refill()
        self.table.focus()
        self.set_interval(1.0, self._refresh_counts)

    def _style(self, name: str) -> Style:
        """A theme colour for Text spans (partial: no background painted over the row's)."""
        return self.get_component_rich_style(name, partial=True)

    def _read_counts(self) -> dict[str, int]:
        src = self.fired_counts
        if src is None:
            return {}
        try:
            got = src() if callable(src) else src
            return dict(got)
        except Exception:  # counts are a nicety; a race with the engine thread must not crash
            return dict(self._counts)

    def _refresh_counts(self) -> None:
        counts = self._read_counts()
        if counts != self._counts:
            self._counts = counts
            self._refill(self.selected_id)

    def on_resize(self, event: Resize) -> None:
        wide = event.size.width >= WIDE
        if wide != self._wide:
            self._wide = wide
            self._refill(self.selected_id)

    # -- the table ---------------------------------------------------------------------------------
    @property
    def selected_id(self) -> str | None:
        table = self.table
        if not self.rules or table.row_count == 0:
            return None
        row = min(max(table.cursor_row, 0), len(self.rules) - 1)
        return self.rules[row].id

    @property
    def selected(self) -> Rule | None:
        rid = self.selected_id
        return next((r for r in self.rules if r.id == rid), None)

    def _refill(self, select: str | None = None) -> None:
        """Rebuild the rows (a few dozen at most) and put the cursor on ``select``."""
        table = self.table
        table.clear(columns=True)
        widths = self._widths()
        table.add_column("On", width=3, key="on")
        table.add_column("Name", width=widths["name"], key="name")
        table.add_column("Severity", width=8, key="severity")
        table.add_column("Condition", width=widths["condition"], key="condition")
        table.add_column("Fired", width=5, key="fired")
        if self._wide:
            table.add_column("Match", width=widths["match"], key="match")
        off = self._style("rules--off")
        for rule in self.rules:
            dim = off if not rule.enabled else None
            sev = self._style(f"rules--severity-{rule.severity}")
            cells = [
                Text("on" if rule.enabled else "off", style=dim or ""),
                Text(inert(rule.name), style=dim or "", no_wrap=True, overflow="ellipsis"),
                Text(rule.severity, style=dim or sev),
                Text(inert(rule_summary(rule)), style=dim or "", no_wrap=True, overflow="ellipsis"),
                Text(str(self._counts.get(rule.id, 0)), style=dim or "", justify="right"),
            ]
            if self._wide:
                match = Text(inert(rule.match), style=dim or "") if rule.match else None
                cells.append(match or Text("(any message)", style=self._style("rules--label")))
                cells[-1].no_wrap = True
                cells[-1].overflow = "ellipsis"
            table.add_row(*cells, key=rule.id)
        ids = [r.id for r in self.rules]
        if select in ids:
            table.move_cursor(row=ids.index(select), animate=False)
        self._show_title()
        self._show_detail()

    def _widths(self) -> dict[str, int]:
        """Name (and Match) get the room left, so long text ends in … instead of overflowing."""
        pad = 2 * self.table.cell_padding
        width = max(self.app.size.width - 2, 40)  # the vertical scrollbar takes 2
        cond = min(max([len(rule_summary(r)) for r in self.rules] + [9]), 40 if self._wide else 24)
        fixed = 3 + 8 + 5 + cond + 5 * pad + (pad if self._wide else 0)
        rest = max(width - fixed, 8)
        if not self._wide:
            return {"name": rest, "condition": cond, "match": 0}
        name = min(max(8, rest // 2), 40)
        return {"name": name, "condition": cond, "match": max(8, rest - name)}

    def _show_title(self) -> None:
        on = sum(1 for r in self.rules if r.enabled)
        t = Text("Rules  ")
        t.append(inert(str(self.rules_path)), self._style("rules--label"))
        t.append(f"  {len(self.rules)} rule{'s' if len(self.rules) != 1 else ''}, {on} on")
        t.no_wrap = True
        t.overflow = "ellipsis"
        self.query_one("#rules-title", Static).update(t)

    def _show_detail(self) -> None:
        detail = self.query_one("#rules-detail", Static)
        rule = self.selected
        label = self._style("rules--label")
        if rule is None:
            detail.update(Text("No rules yet: press a to add one.", style=label))
            return
        t = Text(no_wrap=True, overflow="ellipsis")

        def row(*pairs: tuple[str, str]) -> None:
            for n, (k, v) in enumerate(pairs):
                if n:
                    t.append("   ")
                t.append(f"{k} ", label)
                t.append(inert(v))
            t.append("\n")

        row(("match ", rule.match or "(any message)"))
        row(
            ("ignore", rule.ignore or "—"),
            ("level", rule.level.name.lower() if rule.level else "any"),
        )
        row(
            ("source", ", ".join(rule.sources) or "all"),
            ("group by", ", ".join(rule.group_by) or "—"),
        )
        row(("notify", ", ".join(rule.notify) or "none"), ("id", rule.id))
        t.rstrip()
        detail.update(t)

    @on(DataTable.RowHighlighted)
    def _on_highlight(self, event: DataTable.RowHighlighted) -> None:
        self._show_detail()

    @on(DataTable.RowSelected)
    def _on_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_edit()

    # -- saving ------------------------------------------------------------------------------------
    def _commit(
        self,
        rules: list[Rule],
        *,
        changed_id: str | None = None,
        removed_id: str | None = None,
        select: str | None = None,
    ) -> bool:
        """Write the file first; only when that worked, show and announce the change."""
        try:
            rules = write_rules(self.rules_path, rules, base=self.rules)
        except (ConfigError, OSError, TypeError, ValueError) as exc:
            self.notify(
                inert(f"rules not saved: {exc}"),
                title="Rules file",
                severity="error",
                markup=False,
            )
            self._show_file_version()
            return False
        self.rules = list(rules)
        self._refill(select)
        self.post_message(self.RulesChanged(list(rules), changed_id, removed_id))
        return True

    def _show_file_version(self) -> None:
        """After a refused save: if the file was changed outside and is valid, show its rules."""
        try:
            on_disk = load_rules(self.rules_path)
        except (ConfigError, RuleError, OSError):
            return  # broken or gone: keep showing what we had
        if on_disk != self.rules:
            self.rules = on_disk
            self._refill(None)
            self.post_message(self.RulesChanged(list(on_disk), None, None))

    def _history(self) -> BacktestHistory | None:
        if self.history_provider is None:
            return None
        try:
            return self.history_provider()
        except Exception as exc:  # the editor still works without a backtest
            self.notify(f"no backtest: {exc}", severity="warning", markup=False)
            return None

    # -- actions -------------------------------------------------------------------------------------
    def action_add(self) -> None:
        def done(rule: Rule | None) -> None:
            if rule is not None:
                self._commit(apply_rule_edit(self.rules, rule), changed_id=rule.id, select=rule.id)

        open_rule_editor(self.app, None, done, history=self._history(), existing=self.rules)

    def action_edit(self) -> None:
        old = self.selected
        if old is None:
            self.notify("no rule selected", markup=False)
            return

        def done(rule: Rule | None) -> None:
            if rule is None:
                return
            removed = old.id if rule.id != old.id else None
            self._commit(
                apply_rule_edit(self.rules, rule, replaces=old.id),
                changed_id=rule.id,
                removed_id=removed,
                select=rule.id,
            )

        open_rule_editor(self.app, old, done, history=self._history(), existing=self.rules)

    def action_duplicate(self) -> None:
        old = self.selected
        if old is None:
            self.notify("no rule selected", markup=False)
            return
        copy = dataclasses.replace(old, name=f"{old.name} (copy)")

        def done(rule: Rule | None) -> None:
            if rule is not None:
                self._commit(
                    apply_rule_edit(self.rules, rule, after=old.id),
                    changed_id=rule.id,
                    select=rule.id,
                )

        open_rule_editor(
            self.app, copy, done, history=self._history(), existing=self.rules, replaces=None
        )

    def action_toggle(self) -> None:
        old = self.selected
        if old is None:
            return
        new = dataclasses.replace(old, enabled=not old.enabled)
        if self._commit(
            apply_rule_edit(self.rules, new, replaces=old.id), changed_id=new.id, select=new.id
        ):
            self.notify(
                f"{'enabled' if new.enabled else 'disabled'}: {new.name}", timeout=2, markup=False
            )

    def action_delete(self) -> None:
        old = self.selected
        if old is None:
            return
        ids = [r.id for r in self.rules]
        idx = ids.index(old.id)

        def done(yes: bool | None) -> None:
            if not yes:
                return
            rest = [r for r in self.rules if r.id != old.id]
            near = rest[min(idx, len(rest) - 1)].id if rest else None
            self._commit(rest, removed_id=old.id, select=near)

        self.app.push_screen(
            ConfirmScreen(f"Delete rule '{old.name}'?", yes="Delete", no="Keep"), done
        )

    def action_close(self) -> None:
        self.dismiss(None)

    def system_commands(self) -> Iterable[SystemCommand]:
        """The screen's actions for the command palette (the app yields these while it is shown)."""
        yield SystemCommand("Rules: add", "New rule (a)", self.action_add)
        yield SystemCommand("Rules: edit", "Edit the selected rule (e, Enter)", self.action_edit)
        yield SystemCommand("Rules: duplicate", "Copy the selected rule (d)", self.action_duplicate)
        yield SystemCommand(
            "Rules: enable/disable", "Toggle the selected rule (Space)", self.action_toggle
        )
        yield SystemCommand(
            "Rules: delete", "Delete the selected rule (Del, x)", self.action_delete
        )
        yield SystemCommand("Rules: close", "Back to the logs (Esc)", self.action_close)


__all__ = ["RulesScreen", "apply_rule_edit", "write_rules"]
