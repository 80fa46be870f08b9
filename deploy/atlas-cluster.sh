#!/usr/bin/env bash
# Atlas des besoins sociaux: N identical app servers on loopback ports behind nginx.
#
#   deploy/atlas-cluster.sh start       start the app servers, wait until each answers on
#                                       /_stcore/health, then start (or reload) nginx
#   deploy/atlas-cluster.sh stop        stop the servers and the nginx this script started
#   deploy/atlas-cluster.sh status      health of each server and of the proxy
#   deploy/atlas-cluster.sh nginx-conf  print the nginx site for these servers (to install it
#                                       in /etc/nginx/sites-available/ with systemd units)
#
# Settings (environment, e.g. from /etc/atlas/atlas.env; see deploy/atlas.env.example):
#   ATLAS_DATABASE_URL   the PostgreSQL database every server shares (required for N > 1)
#   ATLAS_EDIT_SECRET    the edit code, the same for every server
#   ATLAS_SERVERS        number of app servers (2)
#   ATLAS_BASE_PORT      port of the first server, the others follow (8501)
#   ATLAS_PROXY_LISTEN   address:port nginx listens on (127.0.0.1:8080)
#   ATLAS_RUN_DIR        pid files, logs, nginx's files (./run under the app's folder)
#   ATLAS_APP_DIR        the app's folder (the folder above deploy/)
#   ATLAS_PYTHON         the Python of the app's environment (python3)
#   ATLAS_NGINX          nginx binary (/usr/sbin/nginx); "none": do not start nginx
#   ATLAS_WS_COMPRESSION true|false: compress the websocket (the map) (true)
set -euo pipefail

APP_DIR="${ATLAS_APP_DIR:-$(cd "$(dirname "$0")/.." && pwd)}"
SERVERS="${ATLAS_SERVERS:-2}"
BASE_PORT="${ATLAS_BASE_PORT:-8501}"
PROXY_LISTEN="${ATLAS_PROXY_LISTEN:-127.0.0.1:8080}"
RUN_DIR="${ATLAS_RUN_DIR:-$APP_DIR/run}"
PYTHON="${ATLAS_PYTHON:-python3}"
NGINX="${ATLAS_NGINX:-/usr/sbin/nginx}"
WS_COMPRESSION="${ATLAS_WS_COMPRESSION:-true}"
HEALTH_WAIT_S="${ATLAS_HEALTH_WAIT_S:-90}"
SITE_TEMPLATE="$APP_DIR/deploy/nginx/atlas.conf"

say() { echo "[atlas] $*" >&2; }

ports() { local i; for ((i = 0; i < SERVERS; i++)); do echo $((BASE_PORT + i)); done; }

healthy() { curl -fsS -m 2 "http://127.0.0.1:$1/_stcore/health" >/dev/null 2>&1; }

servers_block() {
    # The upstream groups and maps of deploy/nginx/atlas.conf for this deployment's servers.
    local i j port other
    echo "upstream atlas_new {"
    echo "    least_conn;"
    for port in $(ports); do echo "    server 127.0.0.1:$port max_fails=1 fail_timeout=10s;"; done
    echo "}"
    for ((i = 1; i <= SERVERS; i++)); do
        port=$((BASE_PORT + i - 1))
        echo "upstream atlas_$i {"
        echo "    server 127.0.0.1:$port max_fails=1 fail_timeout=10s;"
        for ((j = 1; j <= SERVERS; j++)); do
            other=$((BASE_PORT + j - 1))
            [ "$j" = "$i" ] || echo "    server 127.0.0.1:$other max_fails=1 fail_timeout=10s backup;"
        done
        echo "}"
    done
    echo 'map $cookie_atlas_server $atlas_upstream {'
    echo "    default atlas_new;"
    for ((i = 1; i <= SERVERS; i++)); do echo "    $i       atlas_$i;"; done
    echo "}"
    echo 'map $upstream_addr $atlas_server {  # the last server tried is the one that answered'
    echo '    default "";'
    for ((i = 1; i <= SERVERS; i++)); do
        echo "    ~127\\.0\\.0\\.1:$((BASE_PORT + i - 1))\$ $i;"
    done
    echo "}"
}

nginx_conf() {
    # The site file with this deployment's servers and listening address.
    local block
    block="$(servers_block)"
    # (ENVIRON, not -v: awk would read the backslashes of the regular expressions)
    BLOCK="$block" awk -v listen="$PROXY_LISTEN" -v logfile="${1:-}" '
        /^# --- servers:/ { print; print ENVIRON["BLOCK"]; skip = 1; next }
        /^# --- end of servers/ { skip = 0 }
        skip { next }
        /^    listen / { print "    listen " listen ";"; next }
        /^    access_log / && logfile != "" { print "    access_log " logfile " atlas;"; next }
        { print }
    ' "$SITE_TEMPLATE"
}

start_server() {
    local port="$1" log="$RUN_DIR/app-$1.log" pidfile="$RUN_DIR/app-$1.pid"
    if healthy "$port"; then say "serveur $port : déjà en marche"; return; fi
    say "serveur $port : démarrage"
    (
        cd "$APP_DIR"
        exec setsid "$PYTHON" -m carto.ui.serve \
            --server.port "$port" --server.address 127.0.0.1 --server.headless true \
            --server.enableWebsocketCompression "$WS_COMPRESSION" \
            --browser.gatherUsageStats false
    ) >"$log" 2>&1 &
    echo $! >"$pidfile"
}

wait_healthy() {
    local port="$1" deadline=$((SECONDS + HEALTH_WAIT_S))
    until healthy "$port"; do
        if ((SECONDS > deadline)); then
            say "serveur $port : pas de réponse sur /_stcore/health après ${HEALTH_WAIT_S} s ($RUN_DIR/app-$port.log)"
            return 1
        fi
        sleep 0.5
    done
    say "serveur $port : prêt"
}

start_nginx() {
    [ "$NGINX" = "none" ] && return
    local prefix="$RUN_DIR/nginx"
    mkdir -p "$prefix/logs" "$prefix/tmp"
    nginx_conf "$prefix/logs/access.log" >"$prefix/atlas.conf"
    cat >"$prefix/nginx.conf" <<CONF
worker_processes auto;
pid $prefix/nginx.pid;
error_log $prefix/logs/error.log warn;
events { worker_connections 4096; }
http {
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    client_body_temp_path $prefix/tmp/body;
    proxy_temp_path $prefix/tmp/proxy;
    fastcgi_temp_path $prefix/tmp/fastcgi;
    uwsgi_temp_path $prefix/tmp/uwsgi;
    scgi_temp_path $prefix/tmp/scgi;
    include $prefix/atlas.conf;
}
CONF
    "$NGINX" -t -q -p "$prefix" -c "$prefix/nginx.conf"
    if [ -s "$prefix/nginx.pid" ] && kill -0 "$(cat "$prefix/nginx.pid")" 2>/dev/null; then
        say "nginx : rechargement ($PROXY_LISTEN)"
        "$NGINX" -p "$prefix" -c "$prefix/nginx.conf" -s reload
    else
        say "nginx : démarrage sur $PROXY_LISTEN"
        "$NGINX" -p "$prefix" -c "$prefix/nginx.conf"
    fi
}

start() {
    if [ "$SERVERS" -gt 1 ] && [ -z "${ATLAS_DATABASE_URL:-}" ]; then
        say "ATLAS_DATABASE_URL manque : plusieurs serveurs doivent partager une base PostgreSQL"
        exit 2
    fi
    mkdir -p "$RUN_DIR"
    local port failed=0
    for port in $(ports); do start_server "$port"; done
    for port in $(ports); do wait_healthy "$port" || failed=1; done
    [ "$failed" = 0 ] || exit 1
    start_nginx
}

stop() {
    local pidfile pid
    if [ -s "$RUN_DIR/nginx/nginx.pid" ]; then
        say "nginx : arrêt"
        "$NGINX" -p "$RUN_DIR/nginx" -c "$RUN_DIR/nginx/nginx.conf" -s quit || true
    fi
    for pidfile in "$RUN_DIR"/app-*.pid; do
        [ -e "$pidfile" ] || continue
        pid="$(cat "$pidfile")"
        if kill -0 "$pid" 2>/dev/null; then
            say "serveur $(basename "$pidfile" .pid | cut -d- -f2) : arrêt"
            kill "$pid" || true
        fi
        rm -f "$pidfile"
    done
}

status() {
    local port code=0
    for port in $(ports); do
        if healthy "$port"; then say "serveur $port : prêt"; else say "serveur $port : arrêté"; code=1; fi
    done
    if [ "$NGINX" != "none" ]; then
        if curl -fsS -m 2 "http://$PROXY_LISTEN/_stcore/health" >/dev/null 2>&1; then
            say "nginx ($PROXY_LISTEN) : répond"
        else
            say "nginx ($PROXY_LISTEN) : ne répond pas"; code=1
        fi
    fi
    return "$code"
}

case "${1:-}" in
    start) start ;;
    stop) stop ;;
    status) status ;;
    nginx-conf) nginx_conf ;;
    *) echo "usage : $0 start|stop|status|nginx-conf" >&2; exit 2 ;;
esac
