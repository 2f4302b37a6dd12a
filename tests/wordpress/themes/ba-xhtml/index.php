<?php
ba_matrix_page(function () {
    ?>
<div id="post-<?php the_ID(); ?>" <?php post_class(); ?>>
<h1 class="entry-title"><?php the_title(); ?></h1>
<p class="postmetadata">Posted on <?php the_date(); ?> by <?php the_author(); ?> in <?php the_category(', '); ?></p>
<div class="entry-content"><?php the_content(); wp_link_pages(); ?></div>
<p class="tags"><?php the_tags(); ?></p>
</div>
<?php
    comments_template();
});
