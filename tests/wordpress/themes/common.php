<?php
/**
 * Shared by the theme matrix (tests/wordpress/themes/ba-*): the page skeleton and the
 * archive listing, which every theme prints the way core's template functions do. Each
 * theme writes only its own single view and comments, the parts whose markup differs.
 * Themes find this file through their real path (PHP resolves the symlink in __DIR__).
 */

/** Core features every classic theme of the matrix declares. */
function ba_matrix_setup(bool $html5 = true): void {
    add_theme_support('title-tag');
    add_theme_support('automatic-feed-links');
    if ($html5) {
        add_theme_support('html5', array('comment-list', 'comment-form', 'search-form', 'gallery', 'caption'));
    }
    register_nav_menus(array('primary' => 'Primary'));
}

function ba_matrix_header(): void {
    ?><!doctype html>
<html <?php language_attributes(); ?>>
<head>
<meta charset="<?php bloginfo('charset'); ?>">
<meta name="viewport" content="width=device-width, initial-scale=1">
<?php wp_head(); ?>
</head>
<body <?php body_class(); ?>>
<?php wp_body_open(); ?>
<header class="site-header">
<p class="site-title"><a href="<?php echo esc_url(home_url('/')); ?>" rel="home"><?php bloginfo('name'); ?></a></p>
<nav class="main-navigation"><?php wp_nav_menu(array('theme_location' => 'primary', 'fallback_cb' => 'wp_page_menu')); ?></nav>
</header>
<?php
}

function ba_matrix_footer(): void {
    ?>
<footer class="site-footer"><p>Proudly powered by <a href="https://wordpress.org/">WordPress</a></p></footer>
<?php wp_footer(); ?>
</body>
</html>
<?php
}

/** Home, category, tag, date and search listings: title links, excerpts, pagination. */
function ba_matrix_archive(): void {
    echo '<main id="main" class="site-main">';
    if (have_posts()) {
        while (have_posts()) {
            the_post();
            ?>
<article id="post-<?php the_ID(); ?>" <?php post_class(); ?>>
<?php the_title(sprintf('<h2 class="entry-title"><a href="%s" rel="bookmark">', esc_url(get_permalink())), '</a></h2>'); ?>
<div class="entry-summary"><?php the_excerpt(); ?></div>
<footer class="entry-meta"><time class="entry-date published" datetime="<?php echo esc_attr(get_the_date('c')); ?>"><?php echo esc_html(get_the_date()); ?></time>
<?php comments_popup_link(); ?></footer>
</article>
<?php
        }
        the_posts_pagination();
    } else {
        echo '<p>Nothing found.</p>';
    }
    echo '</main>';
}

/** The theme's index.php: its own single view, the shared listing elsewhere. */
function ba_matrix_page(callable $single): void {
    ba_matrix_header();
    if (is_singular()) {
        while (have_posts()) {
            the_post();
            $single();
        }
    } else {
        ba_matrix_archive();
    }
    ba_matrix_footer();
}
