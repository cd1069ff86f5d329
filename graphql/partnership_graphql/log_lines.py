"""structlog loggers for the API layer.

A process that sets up its log (service/logs.py) renders their lines in its one format. Until
then they go to the standard library's logging as plain records, where its defaults apply:
a test that builds the application alone prints nothing of its own.
"""

import structlog
from structlog.stdlib import BoundLogger


def get_logger(name: str) -> BoundLogger:
    if not structlog.is_configured():
        structlog.configure(
            processors=[
                structlog.contextvars.merge_contextvars,
                structlog.stdlib.render_to_log_kwargs,
            ],
            logger_factory=structlog.stdlib.LoggerFactory(),
            wrapper_class=BoundLogger,
        )
    logger: BoundLogger = structlog.stdlib.get_logger(name)
    return logger
