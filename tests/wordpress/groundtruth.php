<?php
/**
 * Ground truth of the test WordPress, read from the database through
 * WordPress itself. JSON on stdout. See README.md for the format.
 */
require __DIR__ . '/boot.php';

global $wpdb, $post;

function ba_iso($gmt) {
    if (!$gmt || $gmt === '0000-00-00 00:00:00') {
        return null;
    }
    return str_replace(' ', 'T', $gmt) . '+00:00';
}

function ba_term_names($id, $tax) {
    $terms = get_the_terms($id, $tax);
    if (!$terms || is_wp_error($terms)) {
        return array();
    }
    return array_values(array_map(function ($t) { return html_entity_decode($t->name, ENT_QUOTES, 'UTF-8'); }, $terms));
}

$out = array(
    'site' => array(
        'url'       => home_url('/'),
        'name'      => get_bloginfo('name'),
        'rest_root' => rest_url(),
    ),
    // Site modes set by `wp.sh mode` (mu-plugins/blog-archiver-test-modes.php).
    'modes'     => function_exists('ba_test_modes_active') ? ba_test_modes_active() : array(),
    'posts'     => array(),
    'comments'  => array(),
    'forbidden' => array(),
);

$sticky = array_map('intval', (array) get_option('sticky_posts', array()));

$ids = $wpdb->get_col("SELECT ID FROM $wpdb->posts WHERE post_type IN ('post','page') AND post_status = 'publish' ORDER BY ID");
$public_ids = array();
foreach ($ids as $id) {
    $p = get_post((int) $id);
    $post = $p;
    $GLOBALS['post'] = $p;
    setup_postdata($p);
    $protected = $p->post_password !== '';
    if (!$protected) {
        $public_ids[] = $p->ID;
    }
    $out['posts'][] = array(
        'id'                 => $p->ID,
        'type'               => $p->post_type,
        'url'                => get_permalink($p),
        'slug'               => $p->post_name,
        'title'              => get_the_title($p),
        'content_html'       => $protected ? '' : apply_filters('the_content', $p->post_content),
        'excerpt'            => $protected ? '' : apply_filters('the_excerpt', get_the_excerpt($p)),
        'date_gmt'           => ba_iso($p->post_date_gmt),
        'modified_gmt'       => ba_iso($p->post_modified_gmt),
        'author'             => get_the_author_meta('display_name', $p->post_author),
        'parent'             => (int) $p->post_parent,
        'categories'         => $p->post_type === 'post' ? ba_term_names($p->ID, 'category') : array(),
        'tags'               => $p->post_type === 'post' ? ba_term_names($p->ID, 'post_tag') : array(),
        'comment_status'     => $p->comment_status,
        'comment_count'      => (int) $p->comment_count,
        'password_protected' => $protected,
        'sticky'             => in_array($p->ID, $sticky, true),
    );
    wp_reset_postdata();
}

// Approved comments on published, non-protected posts.
if ($public_ids) {
    $in = implode(',', array_map('intval', $public_ids));
    $cids = $wpdb->get_col("SELECT comment_ID FROM $wpdb->comments WHERE comment_approved = '1' AND comment_post_ID IN ($in) ORDER BY comment_ID");
    $depth = array();
    foreach ($cids as $cid) {
        $c = get_comment((int) $cid);
        $GLOBALS['post'] = get_post($c->comment_post_ID);
        $parent = (int) $c->comment_parent;
        $depth[$c->comment_ID] = $parent && isset($depth[$parent]) ? $depth[$parent] + 1 : 1;
        $out['comments'][] = array(
            'id'           => (int) $c->comment_ID,
            'post_id'      => (int) $c->comment_post_ID,
            'parent_id'    => $parent,
            'author_name'  => $c->comment_author,
            'author_url'   => $c->comment_author_url,
            'date_gmt'     => ba_iso($c->comment_date_gmt),
            'content_html' => apply_filters('comment_text', get_comment_text($c), $c, array()),
            'type'         => $c->comment_type === '' ? 'comment' : $c->comment_type,
            'depth'        => $depth[$c->comment_ID],
            'page'         => (int) get_page_of_comment($c->comment_ID),
        );
    }
}

// Things that must never reach an archive.
$emails = $wpdb->get_col("SELECT DISTINCT comment_author_email FROM $wpdb->comments WHERE comment_author_email <> ''");
$emails = array_merge($emails, $wpdb->get_col("SELECT user_email FROM $wpdb->users"));
$emails = array_values(array_unique($emails));
sort($emails);
$ips = $wpdb->get_col("SELECT DISTINCT comment_author_IP FROM $wpdb->comments WHERE comment_author_IP <> ''");
sort($ips);
$hidden_posts = array_map('intval', $wpdb->get_col(
    "SELECT ID FROM $wpdb->posts WHERE post_type IN ('post','page') AND post_status IN ('draft','private','future','pending','trash','auto-draft') ORDER BY ID"));
$hidden_comments = array_map('intval', $wpdb->get_col(
    "SELECT c.comment_ID FROM $wpdb->comments c LEFT JOIN $wpdb->posts p ON p.ID = c.comment_post_ID
     WHERE c.comment_approved <> '1' OR p.post_status <> 'publish' OR p.post_password <> '' ORDER BY c.comment_ID"));
$out['forbidden'] = array(
    'markers'     => array_values((array) get_option('ba_markers', array())),
    'emails'      => $emails,
    'ips'         => $ips,
    'post_ids'    => $hidden_posts,
    'comment_ids' => $hidden_comments,
);
$out['special'] = get_option('ba_special_posts', array());

echo wp_json_encode($out, JSON_PRETTY_PRINT | JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE), "\n";
