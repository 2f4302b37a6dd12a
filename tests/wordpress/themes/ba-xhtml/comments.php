<?php
if (post_password_required()) {
    return;
}
?>
<div id="comments">
<?php if (have_comments()) : ?>
<h3 class="comments-title"><?php comments_number('No Responses', 'One Response', '% Responses'); ?> to &#8220;<?php the_title(); ?>&#8221;</h3>
<div class="navigation"><?php previous_comments_link(); ?> <?php next_comments_link(); ?></div>
<div class="commentlist"><?php wp_list_comments(array('style' => 'div')); ?></div>
<div class="navigation"><?php previous_comments_link(); ?> <?php next_comments_link(); ?></div>
<?php endif; ?>
<?php comment_form(); ?>
</div>
