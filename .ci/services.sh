# Services the tests meet real tools through: Debian's Chromium (site and BPMN tests, driven
# by Playwright with executable_path), LibreOffice headless (the .docx check) and a PostgreSQL
# server (the PostgreSQL store). Sourced by .ci/run; also usable by hand:
#   . .ci/services.sh && services_start   # then run pytest in this shell
# Installs what is missing from Debian's packages (root), starts PostgreSQL in a temporary
# folder as the postgres user on a loopback port, exports the SOPFLOW_TEST_* variables the
# tests read, and stops the server again with services_stop (trapped on exit in CI).

services_install() {
    local need=()
    command -v chromium >/dev/null 2>&1 || need+=(chromium)
    command -v soffice >/dev/null 2>&1 || need+=(libreoffice-writer-nogui)
    compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null || need+=(postgresql)
    if ((${#need[@]})); then
        echo "ci: installing ${need[*]}"
        apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
    fi
}

services_start() {
    services_install
    local bin
    bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
    SOPFLOW_PGDATA=$(mktemp -d /tmp/sopflow-pg.XXXXXX)
    chown postgres "$SOPFLOW_PGDATA"
    su postgres -s /bin/sh -c "$bin/initdb -D '$SOPFLOW_PGDATA' -A trust -U postgres" >/dev/null
    su postgres -s /bin/sh -c "$bin/pg_ctl -D '$SOPFLOW_PGDATA' -w -l '$SOPFLOW_PGDATA/log' \
        -o \"-p 54329 -k '$SOPFLOW_PGDATA' -c listen_addresses=127.0.0.1\" start" >/dev/null
    export SOPFLOW_PGDATA SOPFLOW_PGBIN="$bin"
    export SOPFLOW_TEST_POSTGRES="postgresql://postgres@127.0.0.1:54329/postgres"
    export SOPFLOW_TEST_CHROMIUM="$(command -v chromium)"
    export SOPFLOW_TEST_SOFFICE="$(command -v soffice)"
}

services_stop() {
    if [ -n "${SOPFLOW_PGDATA:-}" ] && [ -d "$SOPFLOW_PGDATA" ]; then
        su postgres -s /bin/sh -c "$SOPFLOW_PGBIN/pg_ctl -D '$SOPFLOW_PGDATA' -m fast stop" \
            >/dev/null 2>&1 || true
        rm -rf "$SOPFLOW_PGDATA"
    fi
}
