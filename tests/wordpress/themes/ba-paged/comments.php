<?php
if (post_password_required()) {
    return;
}
?>
<div id="comments" class="comments-area">
<?php if (have_comments()) : ?>
<h2 class="comments-title"><?php comments_number('No comments', '1 comment', '% comments'); ?></h2>
<ul class="comment-list"><?php wp_list_comments(array('style' => 'ul')); ?></ul>
<nav class="comments-pagination pagination"><?php paginate_comments_links(array('prev_text' => '&larr; Older', 'next_text' => 'Newer &rarr;')); ?></nav>
<?php endif; ?>
<?php comment_form(); ?>
</div>
