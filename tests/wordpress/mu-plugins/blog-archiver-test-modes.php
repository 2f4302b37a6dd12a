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
    'comments-external', 'wpcom-chrome',
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
