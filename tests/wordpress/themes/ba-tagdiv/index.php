<?php
ba_matrix_page(function () {
    ?>
<div class="td-main-content-wrap"><div class="td-container"><div class="td-pb-row"><div class="td-pb-span8 td-main-content">
<article id="post-<?php the_ID(); ?>" <?php post_class(); ?>>
<div class="td-post-header"><header class="td-post-title"><h1 class="entry-title"><?php the_title(); ?></h1>
<div class="td-module-meta-info"><div class="td-post-author-name">By <a href="<?php echo esc_url(get_author_posts_url(get_the_author_meta('ID'))); ?>"><?php the_author(); ?></a></div>
<span class="td-post-date"><time class="entry-date updated td-module-date" datetime="<?php echo esc_attr(get_the_date('c')); ?>"><?php echo esc_html(get_the_date()); ?></time></span></div></header></div>
<div class="td-post-sharing-top"><a class="td-social-sharing-button" href="https://www.facebook.com/sharer.php?u=<?php echo rawurlencode(get_permalink()); ?>">Facebook</a></div>
<div class="td-post-content tagdiv-type"><?php the_content(); wp_link_pages(); ?></div>
<footer><div class="td-post-source-tags"><?php the_tags('<ul class="td-tags td-post-small-box clearfix"><li><span>TAGS</span></li><li>', '</li><li>', '</li></ul>'); ?></div></footer>
</article>
<?php comments_template(); ?>
</div></div></div></div>
<?php
});
