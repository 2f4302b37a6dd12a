<?php
ba_matrix_page(function () {
    ?>
<main id="main" class="site-main">
<article id="post-<?php the_ID(); ?>" <?php post_class(); ?>>
<header class="entry-header"><h1 class="entry-title"><?php the_title(); ?></h1>
<span class="posted-on"><time class="entry-date published" datetime="<?php echo esc_attr(get_the_date('c')); ?>"><?php echo esc_html(get_the_date()); ?></time></span>
<span class="byline"><?php the_author_posts_link(); ?></span></header>
<div class="entry-content"><?php the_content(); wp_link_pages(); ?></div>
<footer class="entry-footer"><?php the_category(', '); ?> <?php the_tags(); ?></footer>
</article>
<?php comments_template(); ?>
</main>
<?php
});
