"""Rules inside the running app: the rules screen, new rule from a line, live reload.

Edits are written to ``rules.toml`` atomically (by the rules screen) and applied
to the running engine through the pipeline's command queue, so only the edited
rule restarts. A rules file changed on disk by someone else is reloaded; an
invalid one is reported (file and line) and the previous rules stay active.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

from textual.message import Message

from logwatch_tui.analysis.backtest import BacktestHistory
from logwatch_tui.core.rules import Rule, RuleError, load_rules
from logwatch_tui.core.tomlio import ConfigError
from logwatch_tui.ui.safe_text import inert
from logwatch_tui.ui.screens.rule_editor import open_rule_editor, prebuild_rule_editor
from logwatch_tui.ui.screens.rules import RulesScreen, apply_rule_edit, write_rules

if TYPE_CHECKING:
    from logwatch_tui.ui.app import LogwatchApp


class RulesReloaded(Message):
    """The rules file changed on disk and was read (or failed to read)."""

    def __init__(
        self, rules: list[Rule] | None, error: str | None, stamp: tuple[float, int] | None
    ) -> None:
        super().__init__()
        self.rules = rules
        self.error = error
        self.stamp = stamp


def file_stamp(path: Path | None) -> tuple[float, int] | None:
    if path is None:
        return None
    try:
        st = os.stat(path)
    except OSError:
        return None
    return (st.st_mtime, st.st_size)


class RuleEditing:
    def __init__(self, app: LogwatchApp, rules_path: Path | None) -> None:
        self.app = app
        self.rules_path = rules_path
        self._stamp = file_stamp(rules_path)
        self._reloading = False

    def history(self) -> BacktestHistory:
        app = self.app
        paths = list(app._read) or list(app.sources)
        return BacktestHistory(
            paths=paths,
            format_name=app.format_name,
            custom_formats=app.config.formats,
            limit_bytes=dict(app._read),
            tail_lines=app.tail_lines,
        )

    def fired_counts(self) -> dict[str, int]:
        """The pipeline's latest snapshot (never its engine's live dict: another thread's)."""
        return dict(self.app.fired_counts)

    def open_rules(self) -> None:
        if self.rules_path is None:
            self.app.notify("no rules file (use --rules FILE)", severity="warning", markup=False)
            return
        self.app.push_screen(
            RulesScreen(self.rules_path, self.app.rules, self.fired_counts, self.history)
        )

    def prebuild(self) -> None:
        """The editor built ahead, while the app is idle (the first ``A`` then opens fast)."""
        if self.rules_path is not None:
            prebuild_rule_editor(self.app)

    def new_rule_from_line(self) -> None:
        if self.rules_path is None:
            self.app.notify("no rules file (use --rules FILE)", severity="warning", markup=False)
            return
        view = self.app.log_view
        line = view.cursor_line
        message = None
        if line is not None:
            text = self.app.store.text(line)
            message = self.app._message_of(self.app.store.sources[line], text) or text
        self.new_rule(message)

    def new_rule(self, message: str | None) -> None:
        open_rule_editor(
            self.app,
            None,
            self._save_new_rule,
            history=self.history(),
            prefill_message=message,
            existing=self.app.rules,
        )

    def _save_new_rule(self, rule: Rule | None) -> None:
        if rule is None or self.rules_path is None:
            return
        rules = apply_rule_edit(self.app.rules, rule)
        try:
            rules = write_rules(self.rules_path, rules, base=self.app.rules)
        except ConfigError as exc:
            self.app.notify(inert(f"rule not saved: {exc}"), severity="error", markup=False)
            return
        self.apply(RulesScreen.RulesChanged(rules, rule.id, None))
        self.app.notify(f"rule saved: {rule.name}", markup=False)

    def apply(self, event: RulesScreen.RulesChanged) -> None:
        """A change made in the app (already written): apply it to the running engine."""
        self._stamp = file_stamp(self.rules_path)
        self._set_rules(event.rules)

    def _set_rules(self, rules: list[Rule]) -> None:
        app = self.app
        app.rules = list(rules)
        if app.pipeline is not None:
            app.pipeline.set_rules(app.rules)  # unchanged rules keep their state
        app.alerting.rules = {r.id: r for r in app.rules}

    # -- the file changed under us --------------------------------------------------------
    def check_file(self) -> None:
        """Called every few seconds: a cheap stat; reading and parsing happen in a worker."""
        if self.rules_path is None or self._reloading:
            return
        stamp = file_stamp(self.rules_path)
        if stamp is None or stamp == self._stamp:
            return
        self._reloading = True
        path = self.rules_path

        def load() -> None:
            try:
                rules = load_rules(path)
                self.app.post_message(RulesReloaded(rules, None, stamp))
            except (ConfigError, RuleError, OSError) as exc:
                self.app.post_message(RulesReloaded(None, str(exc), stamp))

        self.app.run_worker(load, thread=True, group="rules-reload", exit_on_error=False)

    def reload_failed(self) -> None:
        """The reload worker died (the app reports why): try again on the next change."""
        self._reloading = False

    def on_reloaded(self, message: RulesReloaded) -> None:
        self._reloading = False
        self._stamp = message.stamp
        if message.error is not None:
            self.app.notify(
                inert(f"{message.error} — keeping the previous rules"),
                title="Rules file not reloaded",
                severity="error",
                markup=False,
            )
            return
        assert message.rules is not None
        self._set_rules(message.rules)
        self.app.notify(
            f"rules reloaded from {self.rules_path} ({len(message.rules)})", markup=False
        )
