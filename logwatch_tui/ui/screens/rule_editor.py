"""Edit one alert rule in a typed modal, with live validation and a live backtest.

Every key of the TOML rule format has a field. The form never builds a Rule
itself: it turns the fields into the same dict a ``[[rules]]`` table holds and
calls :func:`~logwatch_tui.core.rules.rule_from_dict`, so the editor and the
file loader cannot disagree about what is valid. Field-level problems (a regex
that does not compile, ``5x`` as a window) show at once under the field from
``textual.validation`` validators; whatever ``rule_from_dict`` still rejects
shows under the key its :class:`RuleError` names. Save is refused while
anything is invalid.

Condition-specific keys (``CONDITIONS[...].options``) get generated fields:
their text is read as a TOML value (``3``, ``1.5``, ``true``, ``["a"]``) and
falls back to a plain string (``10m``), then the condition's own validator
judges it. A new condition therefore needs no change here.

The backtest replays the history the app has loaded through the rule being
edited (:mod:`logwatch_tui.analysis.backtest`) in a thread worker, ~300 ms after the
last keystroke; an edit cancels the run it makes stale.

This module is the screen: it lays the fields out, reacts to edits and
decides when to save and when to backtest. The parts that need no screen are
beside it: the validators in :mod:`logwatch_tui.ui.validators`, the fields
as data (order, labels, initial texts, text <-> TOML values) in
:mod:`~logwatch_tui.ui.screens.rule_fields`, and running and showing the
backtest in :mod:`logwatch_tui.ui.widgets.backtest_panel`. The names that
used to live here (validators, ``option_text``, ``option_value``,
``split_list``) are still importable from here.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Sequence
from typing import Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.events import Resize
from textual.message import Message
from textual.screen import ModalScreen
from textual.timer import Timer
from textual.validation import Validator
from textual.widget import Widget
from textual.widgets import Button, Checkbox, Footer, Input, Label, Select, Static

from logwatch_tui.analysis.backtest import BacktestHistory, BacktestResult
from logwatch_tui.core.rule_regex import regex_warning
from logwatch_tui.core.rules import (
    CONDITIONS,
    SEVERITIES,
    Rule,
    RuleError,
    rule_from_dict,
    rule_group_names_missing,
    slugify,
)
from logwatch_tui.ui.safe_text import inert
from logwatch_tui.ui.screens.rule_fields import (
    FIELD_KEYS,
    FORM_ORDER,
    LABELS,
    LEVEL_OPTIONS,
    PLACEHOLDERS,
    SELECTS,
    css_id,
    field_values,
    key_of,
    option_text,
    option_value,
    split_list,
)
from logwatch_tui.ui.validators import (
    DurationValidator,
    IdValidator,
    NameValidator,
    PositiveIntValidator,
    RegexValidator,
    RequiredValidator,
)
from logwatch_tui.ui.widgets.backtest_panel import FIX_THE_RULE, NO_HISTORY, BacktestPanel

DEBOUNCE = 0.3
"""Seconds of quiet typing before the backtest reruns."""
WIDE = 120
"""From this width the backtest sits beside the form instead of under it."""


class RuleEditor(ModalScreen[Rule | None]):
    """Create or edit a rule; dismisses with the new Rule, or None when cancelled."""

    DEFAULT_CSS = """
    RuleEditor { align: center middle; }
    RuleEditor > #dialog {
        width: 100%;
        max-width: 180;
        height: 100%;
        max-height: 50;
        border: thick $primary;
        background: $surface;
    }
    RuleEditor #title { height: 1; padding: 0 1; text-style: bold; }
    RuleEditor #body { height: 1fr; layout: vertical; }
    RuleEditor.-wide #body { layout: horizontal; }
    RuleEditor #form { height: 1fr; padding: 0 1; scrollbar-size-vertical: 1; }
    RuleEditor.-wide #form { width: 1fr; }
    RuleEditor .field { height: auto; }
    RuleEditor .row { height: 1; }
    RuleEditor .label { width: 14; height: 1; color: $text-muted; }
    RuleEditor .row Input, RuleEditor .row Select { width: 1fr; }
    RuleEditor .row Checkbox { width: auto; }
    RuleEditor .msg { display: none; padding-left: 14; height: auto; }
    RuleEditor .msg.-error { display: block; color: $error; }
    RuleEditor .msg.-warning { display: block; color: $warning; }
    RuleEditor #backtest {
        height: 9;
        padding: 0 1;
        border-top: solid $primary 50%;
    }
    RuleEditor.-wide #backtest {
        width: 1fr;
        height: 1fr;
        border-top: none;
        border-left: solid $primary 50%;
    }
    RuleEditor.-invalid #backtest { height: 2; }
    RuleEditor.-wide.-invalid #backtest { height: 1fr; }
    RuleEditor #buttons { height: 1; padding: 0 1; }
    RuleEditor #status { width: 1fr; height: 1; }
    RuleEditor #status.-error { color: $error; }
    RuleEditor #buttons Button { margin-left: 1; }
    """

    BINDINGS = [
        Binding("ctrl+s", "save", "Save", priority=True),
        Binding("escape", "cancel", "Cancel"),
    ]

    def __init__(
        self,
        rule: Rule | None = None,
        *,
        history: BacktestHistory | None = None,
        prefill_message: str | None = None,
        existing: Sequence[Rule] = (),
        replaces: str | None | bool = True,
        debounce: float = DEBOUNCE,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        """``rule`` to edit (None: a new rule, pre-filled from ``prefill_message`` if given).

        ``existing`` are the other rules (their ids are taken). ``replaces`` is
        the id this rule replaces when saved: by default ``rule.id``; pass None
        to edit a copy as a new rule (duplicate).
        """
        super().__init__(name=name, id=id, classes=classes)
        self.rule = rule
        self.history = history
        self.prefill_message = prefill_message
        self.replaces: str | None = (rule.id if rule else None) if replaces is True else replaces  # type: ignore[assignment]
        self.taken = {r.id: r.name for r in existing if r.id != self.replaces}
        self.taken_names = {r.name.strip().casefold() for r in existing if r.id != self.replaces}
        self.debounce = debounce
        self.errors: dict[str, str] = {}
        """Problems that block saving, by field key (``_form`` for the whole rule)."""
        self.warnings: dict[str, str] = {}
        self.current: Rule | None = None
        """The rule the form describes right now (None while invalid)."""
        self._backtest = BacktestPanel(
            history,
            rule_enabled=lambda: self.query_one("#f-enabled", Checkbox).value,
            id="backtest",
        )
        self._timer: Timer | None = None
        self._tested_key: Rule | None = None
        self._option_keys = sorted({k for spec in CONDITIONS.values() for k in spec.options})
        self._condition = rule.condition if rule is not None else "threshold"

    # -- composition ------------------------------------------------------------------------
    def _widget(self, key: str, value: Any) -> Widget:
        wid = f"f-{css_id(key)}"
        if key in SELECTS:
            options = {
                "level": LEVEL_OPTIONS,
                "condition": [(c, c) for c in CONDITIONS],
                "severity": [(s, s) for s in SEVERITIES],
            }[key]
            return Select(options, value=value, allow_blank=False, compact=True, id=wid)
        if key == "enabled":
            return Checkbox("on", value, compact=True, id=wid)
        validators: list[Validator] = []
        valid_empty = True
        if key == "name":
            validators = [RequiredValidator("a name"), NameValidator(self.taken_names)]
            valid_empty = False
        elif key in ("match", "ignore"):
            validators = [RegexValidator()]
        elif key == "threshold":
            validators, valid_empty = [PositiveIntValidator()], False
        elif key in ("window", "cooldown"):
            validators = [DurationValidator(allow_zero=key == "cooldown")]
        elif key == "id":
            validators = [IdValidator(self.taken)]
        return Input(
            value,
            placeholder=PLACEHOLDERS.get(key, ""),
            validators=validators,
            valid_empty=valid_empty,
            compact=True,
            id=wid,
        )

    def compose(self) -> ComposeResult:
        v = field_values(
            self.rule,
            keep_id=self.rule is not None and self.replaces == self.rule.id,
            prefill_message=self.prefill_message,
        )
        if self.rule is None or self.replaces is None:
            title = Text("New rule")
        else:
            title = Text("Edit rule: ") + Text(inert(self.rule.name))
        keys = [k for k in FORM_ORDER if k != "options"]
        at = FORM_ORDER.index("options")
        keys[at:at] = [f"opt:{k}" for k in self._option_keys]
        with Vertical(id="dialog"):
            yield Static(title, id="title", markup=False)
            with Horizontal(id="body"):
                with VerticalScroll(id="form"):
                    for key in keys:
                        label = LABELS.get(key) or key[4:].replace("_", " ").capitalize()
                        with Vertical(classes="field", id=f"field-{css_id(key)}"):
                            with Horizontal(classes="row"):
                                yield Label(label, classes="label")
                                yield self._widget(key, v.get(key, ""))
                            yield Static("", classes="msg", id=f"msg-{css_id(key)}", markup=False)
                yield self._backtest
            with Horizontal(id="buttons"):
                yield Static("", id="status", markup=False)
                yield Button("Save", id="save", variant="primary", compact=True)
                yield Button("Cancel", id="cancel", compact=True)
            yield Footer()

    def on_mount(self) -> None:
        self._apply_width(self.app.size.width)
        self.revalidate()
        self.query_one("#f-name", Input).focus()
        # After the first frame: a backtest thread starting now competes with the
        # layout of the form for the GIL and delays the editor showing up.
        self.call_after_refresh(self._start_backtest)

    def on_unmount(self) -> None:
        # However the editor goes away, its backtest stops (it holds the GIL otherwise).
        self._cancel_backtest()

    # -- reading the form ---------------------------------------------------------------------
    def _text(self, key: str) -> str:
        return self.query_one(f"#f-{css_id(key)}", Input).value

    def _select(self, key: str) -> str:
        value = self.query_one(f"#f-{key}", Select).value
        return value if isinstance(value, str) else ""

    def _table(self) -> dict[str, Any]:
        """The ``[[rules]]`` table the form describes (keys left out where the field is empty)."""
        d: dict[str, Any] = {
            "name": self._text("name"),
            "enabled": self.query_one("#f-enabled", Checkbox).value,
            "severity": self._select("severity"),
            "condition": self._select("condition"),
            "match": self._text("match"),
            "ignore": self._text("ignore"),
            "message": self._text("message"),
            "level": self._select("level"),
            "sources": split_list(self._text("sources")),
            "group_by": split_list(self._text("group_by")),
            "notify": split_list(self._text("notify")),
        }
        spec = CONDITIONS.get(d["condition"])
        for key in ("threshold", "window", "cooldown"):
            inp = self.query_one(f"#f-{key}", Input)
            text = inp.value.strip()
            if not text:
                continue
            if not _shown(inp):
                # Hidden (the condition ignores it): kept as it was when valid, so an edit
                # never changes what it doesn't show; dropped when it would block saving.
                result = inp.validate(text)
                if result is not None and not result.is_valid:
                    continue
            d[key] = int(text) if key == "threshold" and text.isdigit() else text
        if spec is not None:
            for key in spec.options:
                text = self._text(f"opt:{key}")
                if text.strip():
                    d[key] = option_value(text)
        rid = self._text("id").strip()
        if rid:
            d["id"] = rid
        elif d["name"].strip():
            d["id"] = self._free_id(slugify(d["name"]) or "rule")
        return d

    def _free_id(self, base: str) -> str:
        rid, n = base, 2
        while rid in self.taken:
            rid, n = f"{base}-{n}", n + 1
        return rid

    # -- validation -----------------------------------------------------------------------------
    def revalidate(self) -> None:
        """Check every field, then the whole rule; show messages; enable Save only when valid."""
        errors: dict[str, str] = {}
        warnings: dict[str, str] = {}
        spec = CONDITIONS.get(self._select("condition"))
        self.query_one("#field-threshold").display = spec is None or spec.uses_threshold
        self.query_one("#field-window").display = spec is None or spec.uses_window
        for key in self._option_keys:
            self.query_one(f"#field-{css_id('opt:' + key)}").display = (
                spec is not None and key in spec.options
            )
        for inp in self.query(Input):
            if not inp.id or not inp.id.startswith("f-") or not _shown(inp):
                continue
            result = inp.validate(inp.value)
            if result is not None and not result.is_valid:
                errors[key_of(inp.id[2:])] = "; ".join(result.failure_descriptions)
        rule: Rule | None = None
        if not errors:
            try:
                rule = rule_from_dict(self._table())
            except RuleError as exc:
                key = exc.key if exc.key in FIELD_KEYS else (f"opt:{exc.key}" if exc.key else "")
                if key not in FIELD_KEYS and not key.startswith("opt:"):
                    key = "_form"
                errors[key] = exc.reason
        for key in ("match", "ignore"):
            if key not in errors:
                warning = regex_warning(self._text(key)) if self._text(key) else None
                if warning is not None:
                    warnings[key] = warning
        if rule is not None:
            missing = rule_group_names_missing(rule)
            if missing:
                names = ", ".join(missing)
                warnings["group_by"] = (
                    f"{names}: not a named group of match; fine if it is a parsed field"
                    " (or source/level), else every line gets an empty value"
                )
        self.errors, self.warnings, self.current = errors, warnings, rule
        self._option_placeholders(rule)
        for msg in self.query(".msg").results(Static):
            key = key_of((msg.id or "")[4:])
            text = errors.get(key) or warnings.get(key) or ""
            if key in ("match", "ignore") and key in errors:
                text = self._with_caret(key, text)
            msg.update(Text("\n".join(inert(part) for part in text.split("\n"))))
            msg.set_class(key in errors, "-error")
            msg.set_class(key not in errors and key in warnings, "-warning")
        status = self.query_one("#status", Static)
        if errors:
            n = len(errors)
            first = errors.get("_form")
            names = ", ".join(
                LABELS.get(k, k.removeprefix("opt:")).lower() for k in errors if k != "_form"
            )
            status.update(
                Text(
                    inert(first) if first else f"{n} problem{'s' if n > 1 else ''} to fix: {names}",
                    no_wrap=True,
                    overflow="ellipsis",
                )
            )
        else:
            status.update(Text("ctrl+s saves"))
        status.set_class(bool(errors), "-error")
        # An invalid rule has no backtest to show: its panel folds to one line so the
        # form (and every problem under its field) gets the room at 80x24.
        self.set_class(bool(errors), "-invalid")
        self.query_one("#save", Button).disabled = bool(errors)

    def _with_caret(self, key: str, reason: str) -> str:
        """Point at the regex error under the field (when the whole pattern is in view)."""
        inp = self.query_one(f"#f-{key}", Input)
        try:
            re.compile(inp.value)
        except re.error as exc:
            pos = exc.pos
            width = inp.content_size.width
            if pos is not None and "\n" not in inp.value and len(inp.value) < width - 1:
                return " " * pos + "^\n" + reason
        except (ValueError, OverflowError, RecursionError):
            pass
        return reason

    def _option_placeholders(self, rule: Rule | None) -> None:
        """An empty option field shows the value it stands for (spike's baseline follows window)."""
        if rule is None:
            return
        spec = CONDITIONS[rule.condition]
        for key, value in rule.options_dict.items():
            if key in spec.options:
                inp = self.query_one(f"#f-{css_id('opt:' + key)}", Input)
                inp.placeholder = "default " + option_text(value, duration=key in spec.durations)

    def _condition_changed(self) -> None:
        """Keep the threshold at the new condition's default if it was at the old one's."""
        new = self._select("condition")
        old, self._condition = self._condition, new
        if old == new or old not in CONDITIONS or new not in CONDITIONS:
            return
        inp = self.query_one("#f-threshold", Input)
        if inp.value.strip() == str(CONDITIONS[old].threshold_default):
            inp.value = str(CONDITIONS[new].threshold_default)

    # -- events ---------------------------------------------------------------------------------
    @on(Input.Changed)
    @on(Select.Changed)
    @on(Checkbox.Changed)
    def _on_change(self, event: Message) -> None:
        event.stop()
        if not self.is_mounted:
            return
        if isinstance(event, Select.Changed) and event.select.id == "f-condition":
            self._condition_changed()
        self.revalidate()
        self._schedule_backtest()

    @on(Input.Submitted)
    def _on_submit(self, event: Input.Submitted) -> None:
        """Enter moves on to the next field: it never saves by accident."""
        event.stop()
        self.focus_next()

    @on(Button.Pressed, "#save")
    def _on_save_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_save()

    @on(Button.Pressed, "#cancel")
    def _on_cancel_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_cancel()

    def on_resize(self, event: Resize) -> None:
        self._apply_width(event.size.width)

    def _apply_width(self, width: int) -> None:
        self.set_class(width >= WIDE, "-wide")

    # -- actions --------------------------------------------------------------------------------
    def action_save(self) -> None:
        self.revalidate()
        if self.errors or self.current is None:
            key, reason = next(iter(self.errors.items()), ("_form", "the rule is not complete"))
            label = key.removeprefix("opt:") if key != "_form" else "rule"
            self.notify(
                f"not saved: {label}: {reason}",
                title="Fix the rule first",
                severity="warning",
                markup=False,
            )
            widget = self.query(f"#f-{css_id(key)}")
            if key != "_form" and widget:
                widget.first().focus()
            return
        self._cancel_backtest()
        self.dismiss(self.current)

    def action_cancel(self) -> None:
        self._cancel_backtest()
        self.dismiss(None)

    # -- backtest -------------------------------------------------------------------------------
    @property
    def backtest_result(self) -> BacktestResult | None:
        """The latest backtest figures shown (None before the first run finishes)."""
        return self._backtest.result

    @property
    def backtest_rule(self) -> Rule | None:
        """The rule ``backtest_result`` belongs to."""
        return self._backtest.rule

    @property
    def backtest_running(self) -> bool:
        return self._backtest.running

    @property
    def backtest_settled(self) -> bool:
        """No backtest waiting for its debounce and none running (the panel is final)."""
        return self._timer is None and not self._backtest.running

    def _schedule_backtest(self) -> None:
        if self._timer is not None:
            self._timer.stop()
        key = _behaviour(self.current)
        if key is not None and key == self._tested_key:
            return  # only the name/severity/notify changed: the figures stand
        self._cancel_backtest()
        self._timer = self.set_timer(self.debounce, self._start_backtest)

    def _cancel_backtest(self) -> None:
        self._tested_key = None
        self._backtest.cancel()

    def _start_backtest(self) -> None:
        self._timer = None
        rule = self.current
        if rule is None:
            self._tested_key = None
            self._backtest.show_idle(FIX_THE_RULE)
            return
        if self.history is None or not self.history.paths:
            self._tested_key = _behaviour(rule)
            self._backtest.show_idle(NO_HISTORY)
            return
        self._tested_key = _behaviour(rule)
        self._backtest.run(rule)


def _behaviour(rule: Rule | None) -> Rule | None:
    """The parts of a rule that change its backtest figures (name, severity… do not)."""
    if rule is None:
        return None
    return dataclasses.replace(
        rule, id="x", name="x", severity="info", notify=(), message=None, enabled=True
    )


def _shown(widget: Any) -> bool:
    node = widget
    while node is not None:
        if getattr(node, "display", True) is False:
            return False
        node = node.parent
    return True


__all__ = [
    "DurationValidator",
    "IdValidator",
    "PositiveIntValidator",
    "RegexValidator",
    "RuleEditor",
    "option_text",
    "option_value",
    "split_list",
]
