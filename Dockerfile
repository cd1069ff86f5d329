# One image for every process of the product: `partnership serve | project | schedule |
# rebuild | load-example` (see docker-compose.yml). Settings come from PARTNERSHIP_* variables.
# A fixed release of Python and of Debian, so that a rebuild of the image months later runs
# the same interpreter; raise it deliberately.
FROM python:3.11.13-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    # Inside a container the port must be reachable from outside it; docker-compose publishes
    # it on the host's loopback only. Production mode refuses to start without a secret key.
    PARTNERSHIP_HOST=0.0.0.0 \
    PARTNERSHIP_MODE=production \
    PARTNERSHIP_PORT=8000 \
    PARTNERSHIP_DATA_DIR=/var/lib/partnership

WORKDIR /app

# Installed as root into the system site-packages (read-only for the runtime user);
# psycopg[binary] brings its own libpq, so no build tools or system packages are needed.
COPY pyproject.toml README.md ./
COPY partnership/ partnership/
COPY projections/ projections/
COPY access/ access/
COPY jobs/ jobs/
COPY service/ service/
COPY graphql/ graphql/
RUN pip install --no-cache-dir . \
    && rm -rf build ./*.egg-info

# The embedded SQLite mode (no PARTNERSHIP_DATABASE_URL) keeps its files in the data dir.
RUN useradd --system --create-home --uid 10001 --user-group partnership \
    && install -d -o partnership -g partnership /var/lib/partnership
USER partnership

EXPOSE 8000
CMD ["partnership", "serve"]
