<?php
require_once dirname(__DIR__) . '/common.php';
add_action('after_setup_theme', function () { ba_matrix_setup(); });

/**
 * After oceanwp_comment (OceanWP 4.1.4 inc/helpers.php): the li has the id but no
 * comment_class (the inner article has it), the author is a span, the date text only, and
 * the text sits in a comment-content nested in the outer comment-content meta box. Pings
 * give both the li and the article id="comment-N".
 */
function ba_noarticle_comment($comment, $args, $depth) {
    if ('pingback' === $comment->comment_type || 'trackback' === $comment->comment_type) {
        ?>
<li id="comment-<?php comment_ID(); ?>" class="comment-container">
<article id="comment-<?php comment_ID(); ?>" <?php comment_class('comment-body'); ?>><p><strong><?php echo ucfirst($comment->comment_type); ?>:</strong> <span><?php comment_author_link(); ?></span></p></article>
<?php
        return;
    }
    ?>
<li id="comment-<?php comment_ID(); ?>" class="comment-container">
<article <?php comment_class('comment-body'); ?>>
<?php echo get_avatar($comment, 150, '', '', array('class' => 'avatar')); ?>
<div class="comment-content">
<div class="comment-author">
<span class="comment-link"><?php echo get_comment_author_link(); ?></span>
<span class="comment-meta commentmetadata"><span class="comment-date"><?php printf('%1$s at %2$s', get_comment_date(), get_comment_time()); ?></span>
<?php comment_reply_link(array_merge($args, array('depth' => $depth, 'max_depth' => $args['max_depth'], 'reply_text' => 'Reply'))); ?></span>
</div>
<div class="clr"></div>
<div class="comment-entry"><div class="comment-content"><?php comment_text(); ?></div></div>
</div>
</article>
<?php
}
