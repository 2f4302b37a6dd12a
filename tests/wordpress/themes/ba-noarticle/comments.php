<?php
if (post_password_required()) {
    return;
}
?>
<section id="comments" class="comments-area clr">
<?php if (have_comments()) : ?>
<h3 class="theme-heading comments-title"><span class="text"><?php printf(esc_html(_n('One Comment on &ldquo;%2$s&rdquo;', '%1$s Comments on &ldquo;%2$s&rdquo;', get_comments_number())), number_format_i18n(get_comments_number()), get_the_title()); ?></span></h3>
<ol class="comment-list"><?php wp_list_comments(array('callback' => 'ba_noarticle_comment', 'style' => 'ol', 'avatar_size' => 150)); ?></ol>
<?php the_comments_navigation(); ?>
<?php endif; ?>
<?php comment_form(); ?>
</section>
