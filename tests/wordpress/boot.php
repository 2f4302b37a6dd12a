<?php
/**
 * Load the test WordPress (the blogarchivertest instance) in PHP CLI.
 *
 * Used by seed.php, groundtruth.php and eval.php. Port from BA_WP_PORT, config
 * name (/etc/wordpress/config-NAME.php) from BA_WP_CONFIG_NAME (set by wp.sh).
 * Callers may define WP_INSTALLING before requiring this file.
 */
$ba_port = getenv('BA_WP_PORT') ?: '8081';
$_SERVER['WORDPRESS_CONFIG'] = getenv('BA_WP_CONFIG_NAME') ?: 'blogarchivertest';
$_SERVER['HTTP_HOST']        = '127.0.0.1:' . $ba_port;
$_SERVER['SERVER_NAME']      = '127.0.0.1';
$_SERVER['SERVER_PORT']      = $ba_port;
$_SERVER['SERVER_PROTOCOL']  = 'HTTP/1.1';
$_SERVER['REQUEST_URI']      = '/';
$_SERVER['REQUEST_METHOD']   = 'GET';
$_SERVER['REMOTE_ADDR']      = '127.0.0.1';
$_SERVER['SCRIPT_NAME']      = '/index.php';
$_SERVER['PHP_SELF']         = '/index.php';
$_SERVER['SCRIPT_FILENAME']  = '/usr/share/wordpress/index.php';

if (!defined('WP_USE_THEMES')) {
    define('WP_USE_THEMES', false);
}
require '/usr/share/wordpress/wp-load.php';
