<?php
// No article element and no post_class on the single view: only body_class names the post.
ba_matrix_page(function () {
    ?>
<div id="content-wrap" class="container clr"><div id="primary" class="content-area clr"><div id="content" class="site-content clr">
<div class="single-post-inner">
<header class="entry-header clr"><h2 class="single-post-title entry-title"><?php the_title(); ?></h2></header>
<ul class="meta ospm-default clr"><li class="meta-author">By <?php the_author_posts_link(); ?></li><li class="meta-date"><time class="entry-date published" datetime="<?php echo esc_attr(get_the_date('c')); ?>"><?php echo esc_html(get_the_date()); ?></time></li><li class="meta-cat"><?php the_category(' / '); ?></li></ul>
<div class="entry-content clr"><?php the_content(); wp_link_pages(array('before' => '<div class="page-links">', 'after' => '</div>')); ?></div>
<div class="post-tags clr"><?php the_tags('<span class="owp-tag-text">Tags: </span>', ', '); ?></div>
</div>
<?php comments_template(); ?>
</div></div></div>
<?php
});
