<?php
if (post_password_required()) {
    return;
}
?>
<section id="comments" class="comments-area">
<?php if (have_comments()) : ?>
<h2 class="title-comments"><?php printf(esc_html(_n('One Response', '%1$s Responses', get_comments_number())), number_format_i18n(get_comments_number())); ?></h2>
<?php the_comments_navigation(); ?>
<ol class="comment-list"><?php wp_list_comments(array('style' => 'ol', 'short_ping' => true, 'avatar_size' => 42)); ?></ol>
<?php the_comments_navigation(); ?>
<?php endif; ?>
<?php comment_form(array('title_reply_before' => '<h2 id="reply-title" class="comment-reply-title">', 'title_reply_after' => '</h2>')); ?>
</section>
