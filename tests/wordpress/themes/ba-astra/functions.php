<?php
require_once dirname(__DIR__) . '/common.php';
add_action('after_setup_theme', function () { ba_matrix_setup(); });

/** After astra_theme_comment (Astra 3.6.5 inc/blog/single-blog.php), shortened. */
function ba_astra_comment($comment, $args, $depth) {
    if ('pingback' === $comment->comment_type || 'trackback' === $comment->comment_type) {
        ?>
<li <?php comment_class(); ?> id="comment-<?php comment_ID(); ?>"><p><?php echo ucfirst($comment->comment_type); ?>: <?php comment_author_link(); ?></p></li>
<?php
        return;
    }
    ?>
<li <?php comment_class(); ?> id="li-comment-<?php comment_ID(); ?>">
<article id="comment-<?php comment_ID(); ?>" class="ast-comment">
<div class="ast-comment-avatar-wrap"><?php echo get_avatar($comment, 50); ?></div>
<div class="ast-comment-data-wrap">
<div class="ast-comment-meta-wrap">
<header class="ast-comment-meta ast-row ast-comment-author vcard capitalize">
<div class="ast-comment-author-wrap"><cite><b class="fn"><?php comment_author_link(); ?></b></cite></div>
<div class="ast-comment-time"><span class="timendate"><a href="<?php echo esc_url(get_comment_link($comment->comment_ID)); ?>"><time datetime="<?php comment_time('c'); ?>"><?php printf('%1$s at %2$s', get_comment_date(), get_comment_time()); ?></time></a></span></div>
</header>
</div>
<section class="ast-comment-content comment">
<?php comment_text(); ?>
<div class="ast-comment-edit-reply-wrap"><?php comment_reply_link(array_merge($args, array('add_below' => 'comment', 'depth' => $depth, 'max_depth' => $args['max_depth'], 'before' => '<span class="ast-reply-link">', 'after' => '</span>'))); ?></div>
</section>
</div>
</article>
<?php
    // The walker closes the li after the replies.
}
