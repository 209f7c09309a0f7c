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
:mod:`~logwatch_tui.ui.screens.rule_fields`, judging field values into
errors, warnings and a Rule in :mod:`~logwatch_tui.ui.screens.rule_form`, and
running and showing the backtest in :mod:`logwatch_tui.ui.widgets.backtest_panel`.

Opening it is kept cheap (issue 16: modals open in ≤ 200 ms): about 40 widgets
(a grid form; one-line :class:`~logwatch_tui.ui.widgets.choice.Choice` pickers;
option fields and error lines built when first needed), judged before they are
built so nothing is restyled after mounting, and :func:`open_rule_editor`
reuses one built editor per app, refilling it with :meth:`RuleEditor.load`. The names that
used to live here (validators, ``option_text``, ``option_value``,
``split_list``) are still importable from here.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Sequence
from typing import Any

from rich.text import Text
from textual import on
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.events import Resize
from textual.message import Message
from textual.screen import ModalScreen
from textual.timer import Timer
from textual.widget import Widget
from textual.widgets import Button, Checkbox, Footer, Input, Label, Static

from logwatch_tui.analysis.backtest import BacktestHistory, BacktestResult
from logwatch_tui.core.rules import (
    CONDITIONS,
    SEVERITIES,
    Rule,
)
from logwatch_tui.ui.safe_text import inert
from logwatch_tui.ui.screens.rule_fields import (
    LABELS,
    LEVEL_OPTIONS,
    PLACEHOLDERS,
    SELECTS,
    css_id,
    field_values,
    option_text,
    option_value,
    split_list,
)
from logwatch_tui.ui.screens.rule_form import RuleForm
from logwatch_tui.ui.validators import (
    DurationValidator,
    IdValidator,
    PositiveIntValidator,
    RegexValidator,
)
from logwatch_tui.ui.widgets.backtest_panel import FIX_THE_RULE, NO_HISTORY, BacktestPanel
from logwatch_tui.ui.widgets.choice import Choice

DEBOUNCE = 0.3
"""Seconds of quiet typing before the backtest reruns."""
WIDE = 120
"""From this width the backtest sits beside the form instead of under it."""
LABEL_WIDTH = 14


class RuleEditor(ModalScreen[Rule | None]):
    """Create or edit a rule; dismisses with the new Rule, or None when cancelled."""

    DEFAULT_CSS = """
    RuleEditor { align: center middle; background: $background; }
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
    RuleEditor #form {
        height: 1fr;
        padding: 0 1;
        scrollbar-size-vertical: 1;
        layout: grid;
        grid-size: 2;
        grid-columns: 14 1fr;
        grid-rows: auto;
    }
    RuleEditor.-wide #form { width: 1fr; }
    RuleEditor #form > .label { height: 1; color: $text-muted; }
    RuleEditor #form > Input, RuleEditor #form > Choice { width: 1fr; }
    RuleEditor #form > Input { border: none !important; height: 1; padding: 0; }
    RuleEditor #form > Input.-invalid { background-tint: $error 20%; }
    RuleEditor #form > Checkbox { width: auto; }
    RuleEditor #form > .msg, RuleEditor #form > .msg-gap { display: none; height: auto; }
    RuleEditor #form > .-error, RuleEditor #form > .-warning { display: block; }
    RuleEditor #form > .msg.-error { color: $error; }
    RuleEditor #form > .msg.-warning { color: $warning; }
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
    RuleEditor #backtest.-invalid { height: 2; }
    RuleEditor.-wide #backtest.-invalid { height: 1fr; }
    RuleEditor #buttons { height: 1; padding: 0 1; }
    RuleEditor #status { width: 1fr; height: 1; }
    RuleEditor #status.-error { color: $error; }
    RuleEditor #buttons Button { margin-left: 1; }
    """

    BINDINGS = [
        Binding("ctrl+s", "save", "Save", priority=True),
        Binding("escape", "cancel", "Cancel"),
    ]

    AUTO_FOCUS = "#f-name"
    """Straight to the name: focus passing through the scrolling form first restyles all of it."""

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
            rule_enabled=lambda: bool(self._values.get("enabled", True)),
            id="backtest",
        )
        self._timer: Timer | None = None
        self._tested_key: Rule | None = None
        self._condition = rule.condition if rule is not None else "threshold"
        self.form = RuleForm(self.taken, self.taken_names)
        """The fields judged without widgets (validators, the rule they make)."""
        self._values: dict[str, Any] = {}
        """Every field's value, also of option fields not built yet (their text is kept)."""
        self._widgets: dict[str, Widget] = {}
        """The field widgets built so far, by key (an option field is built when first shown)."""
        self._labels: dict[str, Label] = {}
        self._msgs: dict[str, Static] = {}
        """Message lines under fields, built the first time a field has something to say
        (each with an empty cell before it, under the label: a grid row of its own)."""
        self._gaps: dict[str, Static] = {}
        self._msg_shown: dict[str, tuple[str, str]] = {}
        self._status_shown: tuple[str, bool] | None = None
        self._shown_before = False

    # -- the fields -------------------------------------------------------------------------
    def _make_field(self, key: str, placeholder: str | None = None) -> tuple[Label, Widget]:
        wid = f"f-{css_id(key)}"
        label = LABELS.get(key) or key[4:].replace("_", " ").capitalize()
        value = self._values.get(key, "")
        widget: Widget
        if key in SELECTS:
            options = {
                "level": LEVEL_OPTIONS,
                "condition": [(c, c) for c in CONDITIONS],
                "severity": [(s, s) for s in SEVERITIES],
            }[key]
            widget = Choice(options, value, id=wid)
        elif key == "enabled":
            widget = Checkbox(
                "on", bool(value), compact=True, id=wid, classes="-on" if value else ""
            )
        else:
            validators, valid_empty = self.form.checks.get(key, ([], True))
            # The class Input.validate would set, given up front, and the compact look
            # from this screen's CSS rather than ``compact=True``: either, set in the
            # constructor, restyles a widget not even mounted yet (ms per field).
            valid = self.form.check_text(key, value) is None
            widget = Input(
                value,
                placeholder=placeholder if placeholder is not None else PLACEHOLDERS.get(key, ""),
                validators=validators,
                valid_empty=valid_empty,
                id=wid,
                classes="-valid" if valid else "-invalid",
            )
        lab = Label(label, classes="label", id=f"label-{css_id(key)}")
        self._labels[key], self._widgets[key] = lab, widget
        return lab, widget

    def compose(self) -> ComposeResult:
        self._values = self._initial_values()
        title = self._title()
        # Judge the initial values before any widget exists, so the screen is built in
        # its final state: no restyle of the whole form for a class set after mounting.
        errors, warnings, rule = self.form.evaluate(self._values)
        self.errors, self.warnings, self.current = errors, warnings, rule
        self.set_class(self.app.size.width >= WIDE, "-wide", update=False)
        self._backtest.set_class(bool(errors), "-invalid", update=False)
        shown = self.form.shown_keys(self._condition)
        placeholders = self.form.option_placeholders(rule)
        with Vertical(id="dialog"):
            yield Static(title, id="title", markup=False)
            with Horizontal(id="body"):
                # not focusable itself: Tab goes field to field, and a focus change on a
                # container restyles everything in it
                with VerticalScroll(id="form", can_focus=False):
                    for key in self.form.field_keys():
                        if key.startswith("opt:") and key not in shown:
                            continue  # built when its condition is chosen
                        label, widget = self._make_field(key, placeholders.get(key))
                        if key not in shown:
                            label.display = widget.display = False
                        yield label
                        yield widget
                        text, kind = self._message(key, errors, warnings, caret=False)
                        if text:
                            yield from self._make_msg(key, text, kind)
                yield self._backtest
            with Horizontal(id="buttons"):
                status, bad = self._status_text(errors)
                self._status_shown = (status.plain, bad)
                yield Static(status, id="status", markup=False, classes="-error" if bad else "")
                yield Button(
                    "Save", id="save", variant="primary", compact=True, disabled=bool(errors)
                )
                yield Button("Cancel", id="cancel", compact=True)
            yield Footer()

    def on_mount(self) -> None:
        if not self.is_current:  # built ahead (prebuild_rule_editor): not shown yet,
            self._shown_before = True  # its first showing starts the backtest
            return
        # After the first frame: a backtest thread starting now competes with the
        # layout of the form for the GIL and delays the editor showing up.
        self.call_after_refresh(self._start_backtest)

    def on_screen_resume(self) -> None:
        if self._shown_before:  # reopened by open_rule_editor with another rule loaded
            self.call_after_refresh(self._start_backtest)
        self._shown_before = True

    def on_screen_suspend(self) -> None:
        # However the editor goes away (a reused one is not unmounted), its backtest
        # stops: it holds the GIL otherwise.
        self._stop_timer()
        self._cancel_backtest()

    def on_unmount(self) -> None:
        self._stop_timer()
        self._cancel_backtest()

    def load(
        self,
        rule: Rule | None = None,
        *,
        history: BacktestHistory | None = None,
        prefill_message: str | None = None,
        existing: Sequence[Rule] = (),
        replaces: str | None | bool = True,
    ) -> None:
        """Show another rule in this editor, already built: reopening costs a tenth of building.

        Takes what the constructor takes; every field, message, the title and the
        backtest start over as if the editor were new.
        """
        self._stop_timer()
        self._cancel_backtest()
        self.rule, self.history, self.prefill_message = rule, history, prefill_message
        self.replaces = (rule.id if rule else None) if replaces is True else replaces  # type: ignore[assignment]
        # the validators hold these very objects: refill them in place
        self.taken.clear()
        self.taken.update({r.id: r.name for r in existing if r.id != self.replaces})
        self.taken_names.clear()
        self.taken_names.update(
            r.name.strip().casefold() for r in existing if r.id != self.replaces
        )
        self._backtest.reset(history)
        self._condition = rule.condition if rule is not None else "threshold"
        values = self._initial_values()
        for key in self._widgets:
            values.setdefault(key, "")  # an option field of another condition: empty again
        self._values = values
        for key, widget in self._widgets.items():
            if isinstance(widget, Input):
                widget.value = str(values[key])
                widget.cursor_position = len(widget.value)
            elif isinstance(widget, Choice):
                widget.value = str(values[key])
            elif isinstance(widget, Checkbox):
                widget.value = bool(values[key])
        self.query_one("#title", Static).update(self._title())
        self.set_class(self.app.size.width >= WIDE, "-wide")
        self.revalidate()
        self.query_one("#form").scroll_home(animate=False)
        self.set_focus(self._widgets["name"])

    def _initial_values(self) -> dict[str, Any]:
        return field_values(
            self.rule,
            keep_id=self.rule is not None and self.replaces == self.rule.id,
            prefill_message=self.prefill_message,
        )

    def _title(self) -> Text:
        if self.rule is None or self.replaces is None:
            return Text("New rule")
        return Text("Edit rule: ") + Text(inert(self.rule.name))

    @property
    def widget_count(self) -> int:
        """Widgets this editor is made of right now (what its open time grows with)."""
        return sum(1 for _ in self.walk_children())

    # -- reading the form ---------------------------------------------------------------------
    def _read(self) -> dict[str, Any]:
        """The values of the fields as they are now (unbuilt option fields keep theirs)."""
        values = dict(self._values)
        for key, widget in self._widgets.items():
            if isinstance(widget, Checkbox | Input | Choice):
                values[key] = widget.value
        return values

    def _text(self, key: str) -> str:
        return str(self._values.get(key, ""))

    def revalidate(self) -> None:
        """Check every field, then the whole rule; show messages; enable Save only when valid."""
        self._values = self._read()
        errors, warnings, rule = self.form.evaluate(self._values)
        self.errors, self.warnings, self.current = errors, warnings, rule
        self._show_fields(self.form.shown_keys(self._condition_of(self._values)), rule)
        for key in {*errors, *warnings, *self._msg_shown}:
            if key == "_form":
                continue
            text, kind = self._message(key, errors, warnings, caret=True)
            if self._msg_shown.get(key, ("", "")) == (text, kind):
                continue
            self._msg_shown[key] = (text, kind)
            msg = self._msgs.get(key)
            if msg is None:
                if not text or key not in self._widgets:
                    continue
                self.query_one("#form").mount(
                    *self._make_msg(key, text, kind), after=self._widgets[key]
                )
                continue
            msg.update(Text("\n".join(inert(part) for part in text.split("\n"))))
            for widget in (self._gaps[key], msg):
                widget.set_class(kind == "error", "-error")
                widget.set_class(kind == "warning", "-warning")
        status, bad = self._status_text(errors)
        if self._status_shown != (status.plain, bad):
            self._status_shown = (status.plain, bad)
            widget = self.query_one("#status", Static)
            widget.update(status)
            widget.set_class(bad, "-error")
        # An invalid rule has no backtest to show: its panel folds to one line so the
        # form (and every problem under its field) gets the room at 80x24.
        self._backtest.set_class(bool(errors), "-invalid")
        save = self.query_one("#save", Button)
        if save.disabled != bool(errors):
            save.disabled = bool(errors)

    @staticmethod
    def _condition_of(values: dict[str, Any]) -> str:
        return str(values.get("condition", ""))

    def _message(
        self, key: str, errors: dict[str, str], warnings: dict[str, str], *, caret: bool
    ) -> tuple[str, str]:
        """The text under field ``key`` and its kind (``error``, ``warning`` or ``""``)."""
        if key in errors:
            text = errors[key]
            if caret and key in ("match", "ignore"):
                text = self._with_caret(key, text)
            return text, "error"
        if key in warnings:
            return warnings[key], "warning"
        return "", ""

    def _make_msg(self, key: str, text: str, kind: str) -> tuple[Static, Static]:
        gap = Static("", classes=f"msg-gap -{kind}", markup=False)
        msg = Static(
            Text("\n".join(inert(part) for part in text.split("\n"))),
            classes=f"msg -{kind}",
            id=f"msg-{css_id(key)}",
            markup=False,
        )
        self._gaps[key], self._msgs[key] = gap, msg
        self._msg_shown[key] = (text, kind)
        return gap, msg

    def _status_text(self, errors: dict[str, str]) -> tuple[Text, bool]:
        if not errors:
            return Text("ctrl+s saves"), False
        n = len(errors)
        first = errors.get("_form")
        names = ", ".join(
            LABELS.get(k, k.removeprefix("opt:")).lower() for k in errors if k != "_form"
        )
        return (
            Text(
                inert(first) if first else f"{n} problem{'s' if n > 1 else ''} to fix: {names}",
                no_wrap=True,
                overflow="ellipsis",
            ),
            True,
        )

    def _show_fields(self, shown: set[str], rule: Rule | None) -> None:
        """Show the fields the condition uses (building option fields on first use)."""
        placeholders = self.form.option_placeholders(rule)
        missing = [k for k in self.form.field_keys() if k in shown and k not in self._widgets]
        if missing:
            built: list[Widget] = []
            for key in missing:
                built.extend(self._make_field(key, placeholders.get(key)))
            self.query_one("#form").mount(*built, before=self._labels["group_by"])
        for key, widget in self._widgets.items():
            visible = key in shown
            if widget.display != visible:
                widget.display = visible
                self._labels[key].display = visible
        for key, inp in self._widgets.items():
            text = placeholders.get(key, PLACEHOLDERS.get(key, ""))
            if key.startswith("opt:") and isinstance(inp, Input) and inp.placeholder != text:
                inp.placeholder = text

    def _with_caret(self, key: str, reason: str) -> str:
        """Point at the regex error under the field (when the whole pattern is in view)."""
        inp = self._widgets.get(key)
        value = self._text(key)
        if not isinstance(inp, Input) or not inp.is_mounted:
            return reason
        try:
            re.compile(value)
        except re.error as exc:
            pos = exc.pos
            width = inp.content_size.width
            if pos is not None and "\n" not in value and len(value) < width - 1:
                return " " * pos + "^\n" + reason
        except (ValueError, OverflowError, RecursionError):
            pass
        return reason

    def _condition_changed(self) -> None:
        """Keep the threshold at the new condition's default if it was at the old one's."""
        new = self._condition_of(self._read())
        old, self._condition = self._condition, new
        if old == new or old not in CONDITIONS or new not in CONDITIONS:
            return
        inp = self._widgets["threshold"]
        assert isinstance(inp, Input)
        if inp.value.strip() == str(CONDITIONS[old].threshold_default):
            inp.value = str(CONDITIONS[new].threshold_default)

    # -- events ---------------------------------------------------------------------------------
    @on(Input.Changed)
    @on(Choice.Changed)
    @on(Checkbox.Changed)
    def _on_change(self, event: Message) -> None:
        event.stop()
        if not self.is_mounted:
            return
        if self._read() == self._values:
            return  # a field announcing the value it was built with: nothing changed
        if isinstance(event, Choice.Changed) and event.choice.id == "f-condition":
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
            widget = self._widgets.get(key)
            if widget is not None:
                widget.focus()
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

    def _stop_timer(self) -> None:
        if self._timer is not None:
            self._timer.stop()
            self._timer = None

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


EDITOR_SCREEN = "rule-editor"
"""The name the app's reusable rule editor is installed under."""


def open_rule_editor(
    app: App[Any],
    rule: Rule | None = None,
    callback: Callable[[Rule | None], None] | None = None,
    *,
    history: BacktestHistory | None = None,
    prefill_message: str | None = None,
    existing: Sequence[Rule] = (),
    replaces: str | None | bool = True,
) -> RuleEditor:
    """Open the app's rule editor on ``rule``: built the first time, reloaded after that.

    Building the form is most of what opening it costs (~40 widgets); an
    installed editor stays built between openings and :meth:`RuleEditor.load`
    only refills it. An editor already on the screen stack (opened from a view
    that was itself opened from the editor) gets a fresh one instead.
    """
    kwargs: dict[str, Any] = dict(
        history=history, prefill_message=prefill_message, existing=existing, replaces=replaces
    )
    editor: RuleEditor | None = None
    if app.is_screen_installed(EDITOR_SCREEN):
        installed = app.get_screen(EDITOR_SCREEN)
        if isinstance(installed, RuleEditor) and installed not in app.screen_stack:
            editor = installed
            editor.load(rule, **kwargs)
    if editor is None:
        editor = RuleEditor(rule, **kwargs)
        if not app.is_screen_installed(EDITOR_SCREEN):
            app.install_screen(editor, EDITOR_SCREEN)
    app.push_screen(editor, callback)
    return editor


def prebuild_rule_editor(app: App[Any]) -> None:
    """Build the app's rule editor now, while nothing else happens (the app calls this
    once it has caught up): composed and mounted but not shown, so the first ``A`` or
    ``e`` only refills it (as every later opening does) instead of building ~40
    widgets and styling them while the user waits."""
    if app.is_screen_installed(EDITOR_SCREEN):
        return
    app.install_screen(RuleEditor(None), EDITOR_SCREEN)
    # what push_screen does first for a screen that is not running: register it (its
    # compose and mount run on the loop), without making it the active screen
    app._get_screen(EDITOR_SCREEN)


def _behaviour(rule: Rule | None) -> Rule | None:
    """The parts of a rule that change its backtest figures (name, severity… do not)."""
    if rule is None:
        return None
    return dataclasses.replace(
        rule, id="x", name="x", severity="info", notify=(), message=None, enabled=True
    )


__all__ = [
    "EDITOR_SCREEN",
    "prebuild_rule_editor",
    "DurationValidator",
    "IdValidator",
    "PositiveIntValidator",
    "RegexValidator",
    "RuleEditor",
    "open_rule_editor",
    "option_text",
    "option_value",
    "split_list",
]
