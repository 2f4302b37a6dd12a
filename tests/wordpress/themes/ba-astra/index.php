<?php
ba_matrix_page(function () {
    ?>
<div id="primary" class="content-area primary"><main id="main" class="site-main">
<article id="post-<?php the_ID(); ?>" <?php post_class('ast-article-single'); ?>>
<div class="ast-post-format- single-layout-1">
<header class="entry-header"><h1 class="entry-title"><?php the_title(); ?></h1>
<div class="entry-meta"><span class="posted-on"><time class="entry-date published" datetime="<?php echo esc_attr(get_the_date('c')); ?>"><?php echo esc_html(get_the_date()); ?></time></span> / <span class="posted-by vcard author"><span class="author-name"><?php the_author(); ?></span></span></div></header>
<div class="entry-content clear"><?php the_content(); wp_link_pages(array('before' => '<div class="page-links">', 'after' => '</div>')); ?></div>
</div>
</article>
<?php comments_template(); ?>
</main></div>
<?php
});
