<?php
/**
 * Plugin Name: blog-archiver test modes
 * Description: Site modes of the blog-archiver test WordPress (REST off, sitemaps off, ...).
 *
 * Installed by tests/wordpress/wp.sh into WP_CONTENT_DIR/mu-plugins, so it is
 * always loaded, by every instance. It does nothing unless the option
 * `ba_test_modes` (an array of mode names, set by `wp.sh mode`) names a mode;
 * `wp.sh reset` restores the seeded database, which has no such option.
 * See tests/wordpress/README.md ("Site modes").
 */

if (!defined('ABSPATH')) {
    exit;
}

/** Modes this plugin knows; `wp.sh mode` refuses any other name. */
const BA_TEST_MODES = array(
    'rest-off', 'rest-html', 'sitemap-off', 'feeds-off', 'plain-permalinks',
    'comments-external', 'wpcom-chrome', 'comments-oldest', 'comments-desc', 'subdirectory',
    'throttle',
);

/** Active modes, in the order they were set. */
function ba_test_modes_active() {
    $modes = get_option('ba_test_modes', array());
    return is_array($modes) ? array_values(array_intersect($modes, BA_TEST_MODES)) : array();
}

function ba_test_mode_on($name) {
    return in_array($name, ba_test_modes_active(), true);
}

if (!ba_test_modes_active()) {
    return;
}

/* ------------------------------------------------------------- rest-off */
// As security plugins do: every REST request gets 401 and the discovery
// links (Link header, <link rel="https://api.w.org/">, per-post alternate
// JSON link) are removed.
if (ba_test_mode_on('rest-off')) {
    add_filter('rest_authentication_errors', function () {
        return new WP_Error('rest_not_logged_in', 'The REST API is restricted to authenticated users.', array('status' => 401));
    }, 99);
    remove_action('wp_head', 'rest_output_link_wp_head', 10);
    remove_action('template_redirect', 'rest_output_link_header', 11);
}

/* ------------------------------------------------------------ rest-html */
// REST URLs (/wp-json/... and /?rest_route=...) answer an HTML page with
// status 200, like a bot challenge or a theme that catches everything.
// The Link header that advertises the API stays.
if (ba_test_mode_on('rest-html')) {
    add_action('parse_request', function ($wp) {
        if (empty($wp->query_vars['rest_route'])) {
            return;
        }
        status_header(200);
        header('Content-Type: text/html; charset=UTF-8');
        header('Cache-Control: no-store');
        echo "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Just a moment...</title></head>\n";
        echo "<body><h1>Checking your browser before accessing this site.</h1>\n";
        echo "<p>This process is automatic. Your browser will redirect to your requested content shortly.</p></body></html>\n";
        exit;
    }, 0);
}

/* ---------------------------------------------------------- sitemap-off */
if (ba_test_mode_on('sitemap-off')) {
    add_filter('wp_sitemaps_enabled', '__return_false');
}

/* ------------------------------------------------------------ feeds-off */
// Every feed URL answers the theme's 404 page (text/html, status 404), as
// "disable feeds" plugins do; the feed <link>s in <head> are removed.
if (ba_test_mode_on('feeds-off')) {
    remove_action('wp_head', 'feed_links', 2);
    remove_action('wp_head', 'feed_links_extra', 3);
    // Priority 0: before redirect_canonical, which would redirect some feed URLs.
    add_action('template_redirect', function () {
        global $wp_query;
        if (!is_feed()) {
            return;
        }
        $wp_query->set_404();
        $wp_query->is_feed = false;  // set_404() keeps it, and the feed would still be rendered
        status_header(404);
        nocache_headers();
        header_remove('ETag');
        header_remove('Last-Modified');
        header('Content-Type: text/html; charset=UTF-8');
        $template = get_404_template();
        if ($template) {
            include $template;
        }
        exit;
    }, 0);
}

/* ----------------------------------------------------- plain-permalinks */
// Nothing to hook: `wp.sh mode` sets permalink_structure to '' (and
// restores the previous value, kept in ba_test_modes_permalink_structure,
// when the mode is removed).

/* ---------------------------------------------------- comments-external */
// The post groundtruth calls "zero" (open, no comments) shows a Disqus
// container instead of WordPress's comments and comment form.
function ba_test_external_post_id() {
    $special = get_option('ba_special_posts', array());
    return isset($special['zero']) ? (int) $special['zero'] : 0;
}

if (ba_test_mode_on('comments-external')) {
    // Classic themes: comments_template() includes this file instead of the theme's comments.php.
    add_filter('comments_template', function ($template) {
        if (is_singular() && get_the_ID() === ba_test_external_post_id()) {
            return __DIR__ . '/blog-archiver-test-modes/comments-external.php';
        }
        return $template;
    }, 99);
    // Block themes render comments with blocks, not comments_template(): the
    // comments block (rendered after its inner blocks) becomes the Disqus
    // container, and a comment form block on its own disappears.
    add_filter('render_block', function ($html, $block) {
        $outer = array('core/comments', 'core/comments-query-loop', 'core/post-comments');
        $name  = $block['blockName'];
        if (!is_singular() || get_the_ID() !== ba_test_external_post_id()) {
            return $html;
        }
        if ($name === 'core/post-comments-form') {
            return '';
        }
        if (!in_array($name, $outer, true)) {
            return $html;
        }
        ob_start();
        include __DIR__ . '/blog-archiver-test-modes/comments-external.php';
        return ob_get_clean();
    }, 99, 2);
}

/* --------------------------------------------------------- wpcom-chrome */
if (ba_test_mode_on('wpcom-chrome')) {
    require __DIR__ . '/blog-archiver-test-modes/wpcom-chrome.php';
}

/* ------------------------------------------------------ comments-oldest */
// Comment pages counted from the oldest (Settings > Discussion: "first page
// displayed by default"): the post's URL shows the oldest comments, and
// /comment-page-2/ ... the newer ones. The seed's default is "newest".
if (ba_test_mode_on('comments-oldest')) {
    add_filter('pre_option_default_comments_page', function () {
        return 'oldest';
    });
}

/* -------------------------------------------------------- comments-desc */
// Newer comments at the top of each page ("Comments should be displayed with
// the newer comments at the top"). The seed's default is ascending.
if (ba_test_mode_on('comments-desc')) {
    add_filter('pre_option_comment_order', function () {
        return 'desc';
    });
}

/* --------------------------------------------------------- subdirectory */
// The blog lives in /blog/: home and siteurl are http://127.0.0.1:PORT/blog
// (wp.sh's Apache config maps /blog/ onto the same WordPress files). The
// constants WP_HOME/WP_SITEURL are applied at priority 10; this runs after.
function ba_test_subdirectory($url) {
    return untrailingslashit($url) . '/blog';
}

if (ba_test_mode_on('subdirectory')) {
    add_filter('option_home', 'ba_test_subdirectory', 99);
    add_filter('option_siteurl', 'ba_test_subdirectory', 99);
}

/* ------------------------------------------------------------- throttle */
// An overloaded server: the first request of a few URLs is refused, and later
// requests are served. Which URL gets what (ba_test_throttle_rules):
// - page 2 of the REST posts listing: 429 with `Retry-After: 2` (seconds);
// - the seed post (special.seed): 503 with `Retry-After: <HTTP date 2 s ahead>`;
// - the second comment page of special.many: 503 with `Retry-After: <HTTP date
//   one hour ahead>` (a crawler must cap such a wait).
// "First" is remembered in options ba_throttled_<md5>, which `wp.sh mode`
// deletes whenever it sets the modes.
function ba_test_throttle_rules() {
    $special = get_option('ba_special_posts', array());
    $path    = function ($url) {
        return (string) wp_parse_url($url, PHP_URL_PATH) . (wp_parse_url($url, PHP_URL_QUERY) ? '?' . wp_parse_url($url, PHP_URL_QUERY) : '');
    };
    $rules = array();
    if (isset($special['seed'])) {
        $rules[$path(get_permalink((int) $special['seed']))] = array(503, gmdate('D, d M Y H:i:s', time() + 2) . ' GMT');
    }
    if (isset($special['many'])) {
        // Pretty permalinks (the mode is meant for them): .../comment-page-2/.
        $page2 = trailingslashit(get_permalink((int) $special['many'])) . 'comment-page-2/';
        $rules[$path($page2)] = array(503, gmdate('D, d M Y H:i:s', time() + 3600) . ' GMT');
    }
    return $rules;
}

function ba_test_throttle_key() {
    $uri = (string) ($_SERVER['REQUEST_URI'] ?? '');
    $query = array();
    wp_parse_str((string) wp_parse_url($uri, PHP_URL_QUERY), $query);
    $route = isset($query['rest_route']) ? $query['rest_route'] : (string) wp_parse_url($uri, PHP_URL_PATH);
    if (preg_match('#/wp/v2/posts/?$#', $route) && isset($query['page']) && (int) $query['page'] === 2) {
        return array('rest-posts-2', array(429, '2'));
    }
    return null;
}

if (ba_test_mode_on('throttle')) {
    add_action('init', function () {
        $hit = ba_test_throttle_key();
        if ($hit === null) {
            $uri   = (string) ($_SERVER['REQUEST_URI'] ?? '');
            $rules = ba_test_throttle_rules();
            if (!isset($rules[$uri])) {
                return;
            }
            $hit = array($uri, $rules[$uri]);
        }
        list($key, list($status, $retry_after)) = $hit;
        // add_option() is false when the option exists: only the first request is refused.
        if (!add_option('ba_throttled_' . md5($key), time(), '', 'no')) {
            return;
        }
        status_header($status);
        nocache_headers();
        header('Retry-After: ' . $retry_after);
        header('Content-Type: text/html; charset=UTF-8');
        $title = $status === 429 ? 'Too Many Requests' : 'Service Unavailable';
        echo "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>$title</title></head>\n";
        echo "<body><h1>$title</h1><p>Please retry later.</p></body></html>\n";
        exit;
    }, 0);
}
