#!/usr/bin/env bash
# Test WordPress for blog-archiver: own MariaDB + own Apache/mod_php, seeded
# with deterministic content. See README.md in this directory.
#
#   wp.sh start        start (install packages, init DB, seed) ; prints URL last
#   wp.sh reset        restore the freshly seeded state           ; prints URL last
#   wp.sh stop         stop Apache and MariaDB of this instance
#   wp.sh status       exit 0 if up
#   wp.sh url          print the URL
#   wp.sh groundtruth  print the ground-truth JSON
#   wp.sh php 'code'   run PHP code inside the loaded WordPress
#   wp.sh mode NAME[,NAME...]|none   set the site modes (see README.md) ; prints them
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
STATE="${BA_WP_STATE:-/tmp/blog-archiver-wp}"
PORT="${BA_WP_PORT:-8081}"
DB_PORT="${BA_WP_DB_PORT:-3307}"
URL="http://127.0.0.1:${PORT}"
# /etc/wordpress/config-<name>.php holds the port, so each port gets its own file.
if [ "$PORT" = "8081" ]; then CONFIG_NAME="blogarchivertest"; else CONFIG_NAME="blogarchivertest-$PORT"; fi
export BA_WP_PORT="$PORT" BA_WP_STATE="$STATE" BA_WP_CONFIG_NAME="$CONFIG_NAME"
WP_CONFIG_FILE="/etc/wordpress/config-${CONFIG_NAME}.php"
DB_NAME="blogarchivertest"
DB_USER="wp"
DB_PASS="wp-test-password"
WPROOT="/usr/share/wordpress"
WPCONTENT="/var/lib/wordpress/wp-content"
MU_PLUGIN="blog-archiver-test-modes"

DATADIR="$STATE/mysql"
SOCK="$STATE/mysqld.sock"
DB_PID="$STATE/mysqld.pid"
APDIR="$STATE/apache"
AP_CONF="$APDIR/apache2.conf"
AP_PID="$APDIR/httpd.pid"
UPLOADS="$STATE/uploads"
MU_DIR="$STATE/mu-plugins"

PACKAGES=(wordpress mariadb-server mariadb-client apache2 libapache2-mod-php php-mysql php-cli
          php-xml php-mbstring php-gd curl
          wordpress-theme-twentytwentyone wordpress-theme-twentytwentytwo wordpress-theme-twentytwentythree)

# stdout is reserved for the result (URL, JSON, php output): logs go to stderr.
exec 3>&1 1>&2

log() { printf '[wp.sh] %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

PHP=(php -d display_errors=stderr -d error_reporting=22527 -d memory_limit=1024M -d max_execution_time=0)

# ---------------------------------------------------------------- packages
ensure_packages() {
    local missing=() p
    for p in "${PACKAGES[@]}"; do
        if [ "$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)" != "install ok installed" ]; then
            missing+=("$p")
        fi
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    log "installing missing packages: ${missing[*]}"
    # Keep apt from starting the system mariadb/apache services.
    local policy_created=0
    if [ ! -e /usr/sbin/policy-rc.d ]; then
        printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d
        chmod +x /usr/sbin/policy-rc.d
        policy_created=1
    fi
    local rc=0
    DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}" >&2 || rc=$?
    if [ $rc -ne 0 ]; then
        log "apt-get install failed; running apt-get update and retrying"
        rc=0
        apt-get update >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}" >&2 || rc=$?
    fi
    [ $policy_created -eq 1 ] && rm -f /usr/sbin/policy-rc.d
    [ $rc -eq 0 ] || die "could not install packages: ${missing[*]}"
}

ensure_themes() {
    # Debian installs themes in /usr/share/wordpress/wp-content/themes; WP_CONTENT_DIR
    # is /var/lib/wordpress/wp-content, so make sure the symlinks exist there.
    mkdir -p "$WPCONTENT/themes"
    local t
    for t in twentytwentyone twentytwentytwo twentytwentythree; do
        if [ ! -e "$WPCONTENT/themes/$t" ] && [ -d "$WPROOT/wp-content/themes/$t" ]; then
            ln -s "$WPROOT/wp-content/themes/$t" "$WPCONTENT/themes/$t"
        fi
    done
    install_matrix_themes
}

# The theme matrix (themes/ba-*, see README.md): symlinks into the shared themes folder,
# pointed at this checkout's copy. A link to another checkout is replaced by rename (never
# removed first), so a running instance always finds the theme.
install_matrix_themes() {
    local src dst name
    mkdir -p "$WPCONTENT/themes"
    for src in "$HERE"/themes/ba-*/; do
        [ -d "$src" ] || continue
        src="${src%/}"
        name="$(basename "$src")"
        dst="$WPCONTENT/themes/$name"
        [ "$(readlink "$dst" 2>/dev/null || true)" = "$src" ] && continue
        ln -sfn "$src" "$dst.tmp.$$"
        mv -Tf "$dst.tmp.$$" "$dst"
    done
}

# Install the test-modes must-use plugin (a file and its folder) into this
# instance's own WPMU_PLUGIN_DIR ($STATE/mu-plugins, set in its wp-config), so
# instances started from other checkouts never replace it under a running test.
# Each file is replaced by rename, never rewritten in place.
install_mu_plugin() {
    local src="$HERE/mu-plugins" dst="$MU_DIR" f rel
    mkdir -p "$dst"
    chmod 755 "$STATE" "$dst"
    mkdir -p "$dst/$MU_PLUGIN"
    for f in "$src/$MU_PLUGIN"/*.php "$src/$MU_PLUGIN.php"; do
        rel="${f#"$src"/}"
        cmp -s "$f" "$dst/$rel" 2>/dev/null && continue
        install -m 0644 "$f" "$dst/.$MU_PLUGIN.tmp"
        mv -f "$dst/.$MU_PLUGIN.tmp" "$dst/$rel"
    done
}

# ---------------------------------------------------------------- config
# The instance's wp-config on stdout.
wp_config() {
    cat <<EOF
<?php
// Generated by blog-archiver tests/wordpress/wp.sh -- test instance, do not edit.
define('DB_NAME', '$DB_NAME');
define('DB_USER', '$DB_USER');
define('DB_PASSWORD', '$DB_PASS');
define('DB_HOST', '127.0.0.1:$DB_PORT');
define('DB_CHARSET', 'utf8mb4');
define('DB_COLLATE', '');
\$table_prefix = 'wp_';

define('WP_HOME', '$URL');
define('WP_SITEURL', '$URL');
define('WP_CONTENT_DIR', '$WPCONTENT');
define('WP_CONTENT_URL', '$URL/wp-content');
define('WPMU_PLUGIN_DIR', '$MU_DIR');
define('WP_DEFAULT_THEME', 'twentytwentyone');

define('AUTH_KEY',         'blog-archiver-test-auth-key-7f3a9c1e5b2d4f60a8e1c3b5d7f9a2c4');
define('SECURE_AUTH_KEY',  'blog-archiver-test-secure-auth-key-1b3d5f7a9c2e4a6c8e0b2d4f');
define('LOGGED_IN_KEY',    'blog-archiver-test-logged-in-key-9e8d7c6b5a4f3e2d1c0b9a8f7e');
define('NONCE_KEY',        'blog-archiver-test-nonce-key-5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c');
define('AUTH_SALT',        'blog-archiver-test-auth-salt-0f1e2d3c4b5a69788796a5b4c3d2e1');
define('SECURE_AUTH_SALT', 'blog-archiver-test-secure-auth-salt-abcdef0123456789abcdef01');
define('LOGGED_IN_SALT',   'blog-archiver-test-logged-in-salt-13579bdf2468ace013579bdf24');
define('NONCE_SALT',       'blog-archiver-test-nonce-salt-fedcba9876543210fedcba98765432');

define('DISABLE_WP_CRON', true);
define('WP_HTTP_BLOCK_EXTERNAL', true);
define('AUTOMATIC_UPDATER_DISABLED', true);
define('WP_AUTO_UPDATE_CORE', false);
define('WP_ALLOW_MULTISITE', false);
define('DISALLOW_FILE_MODS', true);
define('FS_METHOD', 'direct');
define('WP_DEBUG', false);
define('WP_DEBUG_DISPLAY', false);
define('WP_POST_REVISIONS', false);
EOF
}

wp_config_current() {
    wp_config | cmp -s - "$WP_CONFIG_FILE" 2>/dev/null
}

write_wp_config() {
    mkdir -p /etc/wordpress
    wp_config_current && return 0
    local tmp
    tmp="$(mktemp)"
    wp_config > "$tmp"
    install -m 0644 "$tmp" "$WP_CONFIG_FILE"
    rm -f "$tmp"
}

# The Apache config on stdout.
apache_config() {
    local m=/usr/lib/apache2/modules
    cat <<EOF
# Generated by tests/wordpress/wp.sh
ServerRoot "$APDIR"
ServerName 127.0.0.1
Listen 127.0.0.1:$PORT
PidFile "$AP_PID"
DefaultRuntimeDir "$APDIR/run"
Mutex file:$APDIR/run default
User www-data
Group www-data
Timeout 60
KeepAlive On
MaxKeepAliveRequests 200
KeepAliveTimeout 5
HostnameLookups Off
ServerTokens Prod
ServerSignature Off
TraceEnable Off

LoadModule mpm_prefork_module $m/mod_mpm_prefork.so
LoadModule authz_core_module $m/mod_authz_core.so
LoadModule authz_host_module $m/mod_authz_host.so
LoadModule mime_module $m/mod_mime.so
LoadModule dir_module $m/mod_dir.so
LoadModule alias_module $m/mod_alias.so
LoadModule rewrite_module $m/mod_rewrite.so
LoadModule env_module $m/mod_env.so
LoadModule setenvif_module $m/mod_setenvif.so
LoadModule filter_module $m/mod_filter.so
LoadModule deflate_module $m/mod_deflate.so
LoadModule headers_module $m/mod_headers.so
LoadModule php_module $m/libphp8.2.so

StartServers 3
MinSpareServers 3
MaxSpareServers 8
MaxRequestWorkers 24
MaxConnectionsPerChild 500

ErrorLog "$APDIR/error.log"
LogLevel warn
LogFormat "%h %l %u %t \"%r\" %>s %b \"%{Referer}i\" \"%{User-Agent}i\" %D" combined
CustomLog "$APDIR/access.log" combined

TypesConfig /etc/mime.types
AddDefaultCharset Off
DirectoryIndex index.php index.html

<FilesMatch ".+\.ph(ar|p|tml)\$">
    SetHandler application/x-httpd-php
</FilesMatch>
php_admin_flag display_errors off
php_admin_flag log_errors on
php_admin_value error_log "$APDIR/php-error.log"
php_admin_value memory_limit 256M

SetEnv WORDPRESS_CONFIG $CONFIG_NAME

# gzip text responses (HTML, JSON, feeds, sitemaps) so archives see encoded bodies
AddOutputFilterByType DEFLATE text/html text/plain text/xml text/css text/javascript application/javascript application/json application/xml application/rss+xml application/atom+xml application/rdf+xml image/svg+xml
Header append Vary Accept-Encoding env=!dont-vary

<Directory />
    Options None
    AllowOverride None
    Require all denied
</Directory>

DocumentRoot "$WPROOT"
<Directory "$WPROOT">
    Options FollowSymLinks
    AllowOverride None
    Require all granted
    RewriteEngine On
    RewriteBase /
    RewriteRule ^index\.php\$ - [L]
    RewriteCond %{REQUEST_FILENAME} !-f
    RewriteCond %{REQUEST_FILENAME} !-d
    RewriteRule . /index.php [L]
</Directory>

# The same WordPress under /blog/, for the site mode "subdirectory" (a blog installed in a
# subdirectory: home and siteurl under /blog). Aliases match in order: longest first.
Alias /blog/wp-content/uploads "$UPLOADS"
Alias /blog/wp-content "$WPCONTENT"
Alias /blog "$WPROOT"

# Media uploaded by the seed live in the state dir.
Alias /wp-content/uploads "$UPLOADS"
<Directory "$UPLOADS">
    Options None
    AllowOverride None
    Require all granted
    php_admin_flag engine off
</Directory>
Alias /wp-content "$WPCONTENT"
<Directory "$WPCONTENT">
    Options FollowSymLinks
    AllowOverride None
    Require all granted
</Directory>
<Directory "$WPROOT/wp-content">
    Options FollowSymLinks
    Require all granted
</Directory>
<FilesMatch "^(wp-config|wp-config-sample)\.php\$|^\.ht">
    Require all denied
</FilesMatch>
EOF
}

apache_config_current() {
    [ -f "$AP_CONF" ] && apache_config | cmp -s - "$AP_CONF"
}

# Write the Apache config; a running Apache reloads it (graceful) when it changed.
write_apache_config() {
    mkdir -p "$APDIR/run" "$UPLOADS"
    chmod 755 "$STATE" "$APDIR" "$UPLOADS"
    apache_config_current && return 0
    apache_config > "$AP_CONF.tmp"
    mv "$AP_CONF.tmp" "$AP_CONF"
    if apache_alive; then
        log "Apache config changed: graceful restart"
        apache2 -f "$AP_CONF" -k graceful </dev/null >>"$APDIR/start.log" 2>&1 3>&- 9>&- \
            || die "Apache graceful restart failed"
    fi
}

# ---------------------------------------------------------------- mariadb
db_root() { mariadb --no-defaults -S "$SOCK" -uroot "$@"; }

db_alive() {
    [ -S "$SOCK" ] && mariadb-admin --no-defaults -S "$SOCK" -uroot --connect-timeout=2 ping >/dev/null 2>&1
}

start_db() {
    if db_alive; then return 0; fi
    mkdir -p "$STATE"
    chmod 755 "$STATE"
    if [ ! -d "$DATADIR/mysql" ]; then
        log "initialising MariaDB datadir $DATADIR"
        rm -rf "$DATADIR"
        mkdir -p "$DATADIR"
        mariadb-install-db --no-defaults --datadir="$DATADIR" --user=root \
            --auth-root-authentication-method=socket --skip-test-db >"$STATE/mariadb-install.log" 2>&1 \
            || { cat "$STATE/mariadb-install.log" >&2; die "mariadb-install-db failed"; }
    fi
    rm -f "$SOCK"
    log "starting MariaDB on 127.0.0.1:$DB_PORT"
    setsid mariadbd --no-defaults --datadir="$DATADIR" --socket="$SOCK" --pid-file="$DB_PID" \
        --port="$DB_PORT" --bind-address=127.0.0.1 --user=root --skip-name-resolve \
        --log-error="$STATE/mariadb.err" --skip-log-bin \
        --character-set-server=utf8mb4 --collation-server=utf8mb4_unicode_ci \
        --innodb-buffer-pool-size=128M --innodb-flush-log-at-trx-commit=0 --innodb-doublewrite=0 \
        --max-connections=100 </dev/null >/dev/null 2>&1 3>&- 9>&- &
    local i
    for i in $(seq 1 300); do
        db_alive && return 0
        sleep 0.1
    done
    tail -n 30 "$STATE/mariadb.err" >&2 || true
    die "MariaDB did not come up"
}

ensure_db_user() {
    db_root <<EOF
CREATE DATABASE IF NOT EXISTS \`$DB_NAME\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
CREATE USER IF NOT EXISTS '$DB_USER'@'127.0.0.1' IDENTIFIED BY '$DB_PASS';
CREATE USER IF NOT EXISTS '$DB_USER'@'localhost' IDENTIFIED BY '$DB_PASS';
GRANT ALL PRIVILEGES ON \`$DB_NAME\`.* TO '$DB_USER'@'127.0.0.1';
GRANT ALL PRIVILEGES ON \`$DB_NAME\`.* TO '$DB_USER'@'localhost';
FLUSH PRIVILEGES;
EOF
}

stop_db() {
    if [ -f "$DB_PID" ]; then
        local pid
        pid="$(cat "$DB_PID" 2>/dev/null || true)"
        if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
            log "stopping MariaDB (pid $pid)"
            kill "$pid" 2>/dev/null || true
            local i
            for i in $(seq 1 300); do
                kill -0 "$pid" 2>/dev/null || break
                sleep 0.1
            done
            kill -0 "$pid" 2>/dev/null && kill -9 "$pid" 2>/dev/null || true
        fi
        rm -f "$DB_PID"
    fi
    rm -f "$SOCK"
}

# ---------------------------------------------------------------- apache
apache_alive() {
    [ -f "$AP_PID" ] && kill -0 "$(cat "$AP_PID" 2>/dev/null)" 2>/dev/null
}

start_apache() {
    if apache_alive; then return 0; fi
    rm -f "$AP_PID"
    log "starting Apache on 127.0.0.1:$PORT"
    apache2 -t -f "$AP_CONF" >/dev/null 2>"$APDIR/configtest.log" \
        || { cat "$APDIR/configtest.log" >&2; die "Apache config test failed"; }
    apache2 -f "$AP_CONF" -k start </dev/null >>"$APDIR/start.log" 2>&1 3>&- 9>&- \
        || { cat "$APDIR/start.log" >&2; tail -n 20 "$APDIR/error.log" >&2 || true; die "Apache failed to start"; }
}

stop_apache() {
    if apache_alive; then
        local pid
        pid="$(cat "$AP_PID")"
        log "stopping Apache (pid $pid)"
        kill -TERM "$pid" 2>/dev/null || true
        local i
        for i in $(seq 1 100); do
            kill -0 "$pid" 2>/dev/null || break
            sleep 0.1
        done
        kill -0 "$pid" 2>/dev/null && kill -9 "$pid" 2>/dev/null || true
    fi
    rm -f "$AP_PID"
}

http_ok() {
    local code
    code="$(curl -s -o /dev/null -m 10 -w '%{http_code}' "$URL/" 2>/dev/null || true)"
    [ "$code" = "200" ]
}

wait_http() {
    local i
    for i in $(seq 1 300); do
        http_ok && return 0
        sleep 0.1
    done
    tail -n 20 "$APDIR/error.log" >&2 || true
    die "$URL/ did not answer 200"
}

# ---------------------------------------------------------------- seeding
seed_hash() {
    {
        cat "$HERE/seed.php" "$HERE/boot.php" "$HERE"/content/*
        echo "$PORT $STATE $DB_PORT"
        php -r 'echo PHP_VERSION, "\n";'
        dpkg-query -W -f='${Version}\n' wordpress 2>/dev/null || true
    } | sha256sum | cut -c1-16
}

db_seeded() {
    local n
    n="$(db_root -N -B -e "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema='$DB_NAME' AND table_name='wp_options'" 2>/dev/null || echo 0)"
    [ "$n" = "1" ] || return 1
    n="$(db_root -N -B -e "SELECT COUNT(*) FROM \`$DB_NAME\`.wp_options WHERE option_name='ba_seed_complete'" 2>/dev/null || echo 0)"
    [ "$n" = "1" ]
}

recreate_db() {
    db_root -e "DROP DATABASE IF EXISTS \`$DB_NAME\`"
    ensure_db_user
}

run_seed() {
    local h="$1"
    log "seeding the database (fresh WordPress install + content)"
    recreate_db
    rm -rf "$UPLOADS"
    mkdir -p "$UPLOADS"
    chmod 755 "$UPLOADS"
    "${PHP[@]}" "$HERE/seed.php" >&2 || die "seed.php failed"
    chmod -R a+rX "$UPLOADS"
    db_root -e "INSERT INTO \`$DB_NAME\`.wp_options (option_name, option_value, autoload) VALUES ('ba_seed_complete', '$h', 'no')"
    log "caching seeded database dump"
    rm -f "$STATE"/seed-*.sql
    mariadb-dump --no-defaults -S "$STATE/mysqld.sock" -uroot --single-transaction --skip-dump-date \
        --default-character-set=utf8mb4 "$DB_NAME" > "$STATE/seed-$h.sql.tmp"
    mv "$STATE/seed-$h.sql.tmp" "$STATE/seed-$h.sql"
    (cd "$UPLOADS" && find . -type f | sort) > "$STATE/uploads-$h.list"
    echo "$h" > "$STATE/seeded-hash"
}

uploads_intact() {
    local h="$1"
    [ -f "$STATE/uploads-$h.list" ] || return 1
    [ "$(cd "$UPLOADS" 2>/dev/null && find . -type f | sort)" = "$(cat "$STATE/uploads-$h.list")" ]
}

restore_or_seed() {
    local h="$1"
    if [ -f "$STATE/seed-$h.sql" ] && uploads_intact "$h"; then
        log "restoring database from cached dump seed-$h.sql"
        recreate_db
        db_root --default-character-set=utf8mb4 "$DB_NAME" < "$STATE/seed-$h.sql"
        echo "$h" > "$STATE/seeded-hash"
    else
        run_seed "$h"
    fi
}

# Serialise start/reset/stop of one instance (daemons never inherit fd 9).
with_lock() {
    mkdir -p "$STATE"
    chmod 755 "$STATE"
    exec 9>"$STATE/lock"
    flock -w "${1:-300}" 9 && return 0
    log "could not get lock $STATE/lock"
    return 1
}

# ---------------------------------------------------------------- commands
cmd_start() {
    # Fast path: already up and seeded with the current seed.
    if apache_alive && db_alive && [ "$(cat "$STATE/seeded-hash" 2>/dev/null || true)" = "$(seed_hash)" ] \
        && wp_config_current && apache_config_current && http_ok; then
        install_mu_plugin
        install_matrix_themes
        echo "$URL" >&3
        return 0
    fi
    with_lock || die "another wp.sh holds $STATE/lock"
    ensure_packages
    ensure_themes
    install_mu_plugin
    write_wp_config
    write_apache_config
    start_db
    ensure_db_user
    local h
    h="$(seed_hash)"
    if ! db_seeded; then
        restore_or_seed "$h"
    elif [ "$(cat "$STATE/seeded-hash" 2>/dev/null || true)" != "$h" ]; then
        log "seed script changed since last seed: reseeding"
        restore_or_seed "$h"
    fi
    start_apache
    wait_http
    echo "$URL" >&3
}

cmd_reset() {
    if ! (apache_alive && db_alive); then
        cmd_start >/dev/null 3>/dev/null
    fi
    with_lock || die "another wp.sh holds $STATE/lock"
    install_mu_plugin
    install_matrix_themes
    write_wp_config
    local h
    h="$(seed_hash)"
    restore_or_seed "$h"
    wait_http
    echo "$URL" >&3
}

cmd_stop() {
    # Stop does not wait long for the lock: killing by pid file is always safe.
    with_lock 30 2>/dev/null || log "lock busy; stopping anyway"
    stop_apache
    stop_db
}

cmd_status() {
    apache_alive && db_alive && http_ok
}

case "${1:-}" in
    start) cmd_start ;;
    reset) cmd_reset ;;
    stop) cmd_stop ;;
    status) cmd_status ;;
    url) echo "$URL" >&3 ;;
    groundtruth)
        db_alive || die "not running (run: $0 start)"
        "${PHP[@]}" "$HERE/groundtruth.php" >&3
        ;;
    php)
        [ $# -ge 2 ] || die "usage: $0 php '<php code>'"
        db_alive || die "not running (run: $0 start)"
        "${PHP[@]}" "$HERE/eval.php" "$2" >&3
        ;;
    mode)
        [ $# -ge 2 ] || die "usage: $0 mode NAME[,NAME...]|none  (names: see README.md)"
        db_alive || die "not running (run: $0 start)"
        install_mu_plugin
        "${PHP[@]}" "$HERE/modes.php" "$2" >&3
        ;;
    *)
        echo "usage: $0 {start|reset|stop|status|url|groundtruth|php '<code>'|mode NAME[,NAME...]|none}" >&2
        exit 2
        ;;
esac
