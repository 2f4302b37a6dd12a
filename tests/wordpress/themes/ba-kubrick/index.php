<?php
// After wp-content/themes/default/single.php (WordPress 2.x): no post_class, the title a
// bare h2, the body in div.entry with the tags and the post's metadata inside it.
ba_matrix_page(function () {
    ?>
<div id="content" class="widecolumn">
<div class="navigation"><div class="alignleft"><?php previous_post_link('&laquo; %link'); ?></div><div class="alignright"><?php next_post_link('%link &raquo;'); ?></div></div>
<div class="post" id="post-<?php the_ID(); ?>">
<h2><?php the_title(); ?></h2>
<div class="entry">
<?php the_content('<p class="serif">Read the rest of this entry &raquo;</p>'); ?>
<?php wp_link_pages(array('before' => '<p><strong>Pages:</strong> ', 'after' => '</p>', 'next_or_number' => 'number')); ?>
<?php the_tags('<p>Tags: ', ', ', '</p>'); ?>
<p class="postmetadata alt"><small>This entry was posted on <?php the_time('l, F jS, Y'); ?> at <?php the_time(); ?> and is filed under <?php the_category(', '); ?>. You can follow any responses to this entry through the <?php post_comments_feed_link('RSS 2.0'); ?> feed.</small></p>
</div>
</div>
<?php comments_template(); ?>
</div>
<?php
});
