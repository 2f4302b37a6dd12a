<?php
ba_matrix_page(function () {
    ?>
<div id="primary" class="page-header header-small"><div class="container"><h1 class="hestia-title entry-title"><?php the_title(); ?></h1>
<h4 class="author">Published by <a href="<?php echo esc_url(get_author_posts_url(get_the_author_meta('ID'))); ?>" class="vcard author"><strong class="fn"><?php the_author(); ?></strong></a> on <time class="entry-date published" datetime="<?php echo esc_attr(get_the_date('c')); ?>"><?php echo esc_html(get_the_date()); ?></time></h4></div></div>
<div class="main main-raised"><div class="blog-post blog-post-wrapper"><div class="container">
<article id="post-<?php the_ID(); ?>" class="section section-text">
<div class="row"><div class="col-md-8 single-post-container"><div class="single-post-wrap entry-content"><?php the_content(); wp_link_pages(); ?></div></div></div>
</article>
<?php comments_template(); ?>
</div></div></div>
<?php
});
