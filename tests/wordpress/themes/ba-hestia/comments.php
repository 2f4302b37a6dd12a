<?php
if (post_password_required()) {
    return;
}
?>
<div id="comments" class="section section-comments"><div class="row"><div class="col-md-12">
<?php if (have_comments()) : ?>
<div class="media-area">
<h3 class="hestia-title text-center"><?php comments_number('0 Comments', '1 Comment', '% Comments'); ?></h3>
<?php wp_list_comments(array('type' => 'comment', 'callback' => 'ba_hestia_comment')); ?>
</div>
<div class="media-area media-area-pings"><?php wp_list_comments(array('type' => 'pings', 'callback' => 'ba_hestia_comment')); ?></div>
<nav class="navigation comment-navigation"><?php paginate_comments_links(); ?></nav>
<?php endif; ?>
<div class="media-body"><?php comment_form(); ?></div>
</div></div></div>
