<?php
require_once dirname(__DIR__) . '/common.php';
add_action('after_setup_theme', function () { ba_matrix_setup(); });

/**
 * After hestia_comments_list (Hestia 3.0.3 inc/helpers/layout-functions.php): the callback
 * opens and closes its own div, so the walker's children list follows it as a sibling and
 * its end_el adds a stray </li>.
 */
function ba_hestia_comment($comment, $args, $depth) {
    ?>
<div <?php comment_class(empty($args['has_children']) ? 'media' : 'parent media'); ?> id="comment-<?php comment_ID(); ?>">
<?php if ('pings' !== $args['type']) : ?>
<a class="pull-left" href="<?php echo esc_url(get_comment_author_url($comment)); ?>"><div class="comment-author avatar vcard"><?php echo get_avatar($comment, 64); ?></div></a>
<?php endif; ?>
<div class="media-body">
<h4 class="media-heading"><?php echo get_comment_author_link(); ?> <small>&#183; <?php printf('%1$s at %2$s', get_comment_date(), get_comment_time()); ?></small></h4>
<?php comment_text(); ?>
<div class="media-footer"><?php echo get_comment_reply_link(array('depth' => $depth, 'max_depth' => $args['max_depth'], 'reply_text' => 'Reply')); ?></div>
</div>
</div>
<?php
}
