"""Alert commands: acknowledge an alert at the level it stands at."""

from datetime import datetime

from partnership.alerts import (
    ACKNOWLEDGED_HERE,
    Alert,
    AlertAlreadyAcknowledged,
    AlertNotFound,
    alert_id,
    check_level,
)
from partnership.commands.base import CommandBase, CommandResult
from partnership.domain import Actor, Provenance


class AlertCommands(CommandBase):
    def acknowledge_alert(
        self,
        key: str,
        level: str,
        description: str,
        note: str | None,
        actor: Actor,
        now: datetime,
        authority: str | None = None,
        source: str = ACKNOWLEDGED_HERE,
    ) -> CommandResult:
        """Record that `actor` has seen alert `key` at `level` today, with an optional note.

        Whether the alert stands at that level is the caller's to check, from the alerts read
        model; the record only refuses a level acknowledged before.
        """
        provenance = Provenance(now.date(), source)
        self.check(provenance, now)
        alert = Alert.acknowledge(key, level, description, authority, note, provenance, actor)
        return self.record_new(
            alert, lambda: AlertAlreadyAcknowledged(alert.alert_key, alert.level)
        )

    def get_alert_acknowledgement(self, key: str, level: str) -> Alert:
        return self.load(Alert, alert_id(key, check_level(level)), lambda: AlertNotFound(key))
