<?php
require_once dirname(__DIR__) . '/common.php';
add_action('after_setup_theme', function () { ba_matrix_setup(); });

/**
 * After td_comment (Newspaper includes/wp_booster/comments.php): a static li class (no
 * comment_class, so no depth-N), a bare cite, a Unix pubdate instead of datetime, and a
 * second element with the comment's id around the reply link.
 */
function ba_tagdiv_comment($comment, $args, $depth) {
    $ping = in_array($comment->comment_type, array('pingback', 'trackback'), true) ? $comment->comment_type : '';
    ?>
<li class="comment <?php echo esc_attr($ping); ?>" id="comment-<?php comment_ID(); ?>">
<article>
<footer>
<?php echo get_avatar($comment, 50); ?>
<cite><?php comment_author_link(); ?></cite>
<a class="comment-link" href="#comment-<?php comment_ID(); ?>"><time pubdate="<?php echo esc_attr(get_comment_time('U')); ?>"><?php comment_date(); ?> at <?php comment_time(); ?></time></a>
</footer>
<div class="comment-content"><?php comment_text(); ?></div>
<div class="comment-meta" id="comment-<?php comment_ID(); ?>"><?php comment_reply_link(array_merge($args, array('depth' => $depth, 'max_depth' => $args['max_depth'], 'reply_text' => 'Reply'))); ?></div>
</article>
<?php
}
