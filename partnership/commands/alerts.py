"""Alert commands: acknowledge an alert at the level it stands at."""

from dataclasses import dataclass

from partnership.alerts import (
    Alert,
    AlertAlreadyAcknowledged,
    AlertLevelNotCurrent,
    AlertNotFound,
    alert_id,
    check_level,
)
from partnership.commands.base import CommandBase, CommandResult, command
from partnership.commands.envelope import Envelope


@dataclass(frozen=True)
class AlertStanding:
    """An alert as the alerts list shows it on the day: its key, the level it has reached,
    what it concerns, and the authority it concerns, if one."""

    key: str
    level: str
    subject: str
    authority: str | None = None


class AlertCommands(CommandBase):
    @command
    def acknowledge_alert(
        self,
        *,
        key: str,
        level: str,
        note: str | None = None,
        standing: AlertStanding | None,
        envelope: Envelope,
    ) -> CommandResult:
        """Record that the envelope's actor has seen alert `key` at `level`, with a note.

        `standing` is the alert as the alerts list shows it today (None: not listed); which
        alerts stand is the read side's to say, from rules over the whole record. An alert is
        acknowledged only at the level it stands at, and only once at each level.
        """
        level = check_level(level)
        if standing is None:
            raise AlertNotFound(key)
        if standing.level != level:
            raise AlertLevelNotCurrent(key, level, standing.level)
        alert = Alert.acknowledge(
            standing.key,
            level,
            standing.subject,
            standing.authority,
            note,
            envelope.provenance,
            envelope.actor,
        )
        return self.record_new(
            alert, lambda: AlertAlreadyAcknowledged(alert.alert_key, alert.level)
        )

    def get_alert_acknowledgement(self, key: str, level: str) -> Alert:
        return self.load(Alert, alert_id(key, check_level(level)), lambda: AlertNotFound(key))
