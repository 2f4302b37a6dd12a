<?php
if (post_password_required()) {
    return;
}
?>
<div class="comments" id="comments">
<?php if (have_comments()) : ?>
<div class="td-comments-title-wrap"><h4 class="block-title"><span><?php comments_number('NO COMMENTS', '1 COMMENT', '% COMMENTS'); ?></span></h4></div>
<ol class="comment-list"><?php wp_list_comments(array('callback' => 'ba_tagdiv_comment')); ?></ol>
<div class="comment-pagination"><?php previous_comments_link(); ?> <?php next_comments_link(); ?></div>
<?php endif; ?>
<?php comment_form(); ?>
</div>
