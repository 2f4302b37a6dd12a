<?php
// Hello Elementor: main#content + post_class, no article, the body in div.page-content;
// the site header and footer are Elementor theme-builder documents of their own.
ba_matrix_header();
echo ba_elementor_document(900, 'header', '<nav class="elementor-nav-menu--main"><a href="' . esc_url(home_url('/')) . '">Home</a> <a href="' . esc_url(home_url('/about/')) . '">About us</a></nav>');
if (is_singular()) {
    while (have_posts()) {
        the_post();
        ?>
<main id="content" <?php post_class('site-main'); ?>>
<div class="page-header"><h1 class="entry-title"><?php the_title(); ?></h1></div>
<div class="page-content"><?php the_content(); wp_link_pages(); ?>
<div class="post-tags"><?php the_tags('<span class="tag-links">Tagged ', null, '</span>'); ?></div></div>
<?php comments_template(); ?>
</main>
<?php
    }
} else {
    ba_matrix_archive();
}
echo ba_elementor_document(901, 'footer', '<p>Built with Elementor. Subscribe to our newsletter for updates.</p>');
ba_matrix_footer();
