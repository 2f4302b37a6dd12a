<?php
if (post_password_required()) {
    return;
}
?>
<div id="comments" class="comments-area">
<?php if (have_comments()) : ?>
<div class="comments-count-wrapper"><h3 class="comments-title"><?php printf(esc_html(_n('One thought on &ldquo;%2$s&rdquo;', '%1$s thoughts on &ldquo;%2$s&rdquo;', get_comments_number())), number_format_i18n(get_comments_number()), get_the_title()); ?></h3></div>
<ol class="ast-comment-list"><?php wp_list_comments(array('callback' => 'ba_astra_comment', 'style' => 'ol')); ?></ol>
<?php the_comments_navigation(); ?>
<?php endif; ?>
<?php comment_form(); ?>
</div>
