<?php
/**
 * Mode wpcom-chrome: the markup Jetpack adds to a single post for a logged-out
 * visitor when its Sharing, Likes, Related Posts and Comments modules are on,
 * so that extraction can be tested on it (issue 8: fixtures from the public
 * source of Jetpack, never invented markup).
 *
 * The HTML below (elements, ids, classes, attribute order, texts) follows the
 * output of these files of github.com/Automattic/jetpack, read in the stored
 * versions named by commit; the PHP around it is our own, not Jetpack's:
 *
 * - projects/plugins/jetpack/modules/sharedaddy/sharing-service.php
 *   @ 03f2bcdae7c966f5c87725fb9904b1d4ce972bf1, sharing_display(): the
 *   `div.sharedaddy.sd-sharing-enabled` wrapper, "Share this:" headline,
 *   `li.share-end`; sharing_add_footer(): the `sharing_js_options` script.
 * - projects/plugins/jetpack/modules/sharedaddy/sharing-sources.php
 *   @ 02fd8a09452ba42255685ed9a724f4299cebeb81, Sharing_Source::get_link():
 *   one `a.sd-button.share-icon` per service, with its hidden accessible name
 *   "Click to share on %s (Opens in new window)" (default style icon-text,
 *   default services Facebook and X).
 * - projects/plugins/jetpack/modules/likes.php
 *   @ 05a8912de367f4ebb7269d1ec276bcb09827ea14, Jetpack_Likes::post_likes():
 *   `div.sharedaddy.sd-block.sd-like.jetpack-likes-widget-wrapper`, "Like this:",
 *   "Like" / "Loading...".
 * - projects/plugins/jetpack/modules/related-posts/jetpack-related-posts.php
 *   @ c8b136b6250abfddf15d3ebc4e624fba745816dc, get_client_rendered_html() and
 *   get_headline(): `div#jp-relatedposts` with `<em>Related</em>`.
 * - projects/plugins/jetpack/modules/comments/comments.php
 *   @ 00d3fd696fd9052295fab86ef06224969241f0e8, comment_form_before() /
 *   comment_form_after(): the theme's comment form is captured and thrown
 *   away, and `div#respond` > `form#commentform` > `iframe#jetpack_remote_comment`
 *   (the form itself is served by jetpack.wordpress.com inside the iframe)
 *   plus `input#comment_parent` are printed instead.
 *
 * Order on the page, as Jetpack's the_content priorities give it: content,
 * sharing (19), likes (30), related posts (40). The inline scripts are short
 * stand-ins with the same role and place as Jetpack's, not copies.
 * Ids that Jetpack takes from WordPress.com (blog id, nonce, signature) are
 * fixed fake values so that pages are reproducible.
 */
if (!defined('ABSPATH')) {
    exit;
}

const BA_WPCOM_BLOG_ID = 200000001;
const BA_WPCOM_JETPACK_VERSION = '13.6';

/** Only on the main post or page of a singular view, never in feeds or excerpts. */
function ba_wpcom_applies() {
    return is_singular() && in_the_loop() && is_main_query() && !is_feed()
        && !doing_filter('get_the_excerpt') && !post_password_required();
}

function ba_wpcom_share_link($service, $text, $post_id) {
    $id  = 'sharing-' . $service . '-' . $post_id;
    $url = get_permalink($post_id);
    $url .= (strpos($url, '?') === false ? '?' : '&amp;') . 'share=' . $service;
    return sprintf(
        "<a rel=\"nofollow noopener noreferrer\" \n\t\t\t\tdata-shared=\"%s\" \n\t\t\t\tclass=\"%s\" \n\t\t\t\thref=\"%s\"\n\t\t\t\ttarget=\"_blank\"\n\t\t\t\taria-labelledby=\"%s\"\n\t\t\t\t>\n\t\t\t\t<span id=\"%s\" hidden>%s</span>\n\t\t\t\t<span>%s</span>\n\t\t\t</a>",
        esc_attr($id),
        esc_attr('share-' . $service . ' sd-button share-icon'),
        esc_url($url),
        esc_attr($id),
        esc_attr($id),
        esc_html(sprintf('Click to share on %s', $text) . ' (Opens in new window)'),
        esc_html($text)
    );
}

// Sharing buttons (sharing_display, the_content priority 19).
add_filter('the_content', function ($content) {
    if (!ba_wpcom_applies()) {
        return $content;
    }
    $post_id = get_the_ID();
    $html  = '<div class="sharedaddy sd-sharing-enabled"><div class="robots-nocontent sd-block sd-social sd-social-icon-text sd-sharing">';
    $html .= '<h3 class="sd-title">Share this:</h3>';
    $html .= '<div class="sd-content"><ul>';
    $html .= '<li class="share-facebook">' . ba_wpcom_share_link('facebook', 'Facebook', $post_id) . '</li>';
    $html .= '<li class="share-x">' . ba_wpcom_share_link('x', 'X', $post_id) . '</li>';
    $html .= '<li class="share-end"></li></ul></div></div></div>';
    return $content . $html;
}, 19);

// Like button placeholder (Jetpack_Likes::post_likes, priority 30).
add_filter('the_content', function ($content) {
    if (!ba_wpcom_applies()) {
        return $content;
    }
    $post_id = get_the_ID();
    $blog_id = BA_WPCOM_BLOG_ID;
    $domain  = wp_parse_url(home_url(), PHP_URL_HOST);
    $uniqid  = sprintf('%013x', $post_id); // Jetpack uses uniqid(); fixed here for reproducible pages.
    $src     = sprintf('https://widgets.wp.com/likes/#blog_id=%1$d&amp;post_id=%2$d&amp;origin=%3$s&amp;obj_id=%1$d-%2$d-%4$s', $blog_id, $post_id, $domain, $uniqid);
    $name    = sprintf('like-post-frame-%1$d-%2$d-%3$s', $blog_id, $post_id, $uniqid);
    $wrapper = sprintf('like-post-wrapper-%1$d-%2$d-%3$s', $blog_id, $post_id, $uniqid);
    $html  = "<div class='sharedaddy sd-block sd-like jetpack-likes-widget-wrapper jetpack-likes-widget-unloaded' id='$wrapper' data-src='$src' data-name='$name' data-title='Like or Reblog'>";
    $html .= '<h3 class="sd-title">Like this:</h3>';
    $html .= "<div class='likes-widget-placeholder post-likes-widget-placeholder' style='height: 55px;'><span class='button'><span>Like</span></span> <span class=\"loading\">Loading...</span></div>";
    $html .= "<span class='sd-text-color'></span><a class='sd-link-color'></a>";
    $html .= '</div>';
    return $content . $html;
}, 30);

// Related posts target (Jetpack_RelatedPosts::filter_add_target_to_dom, priority 40).
add_filter('the_content', function ($content) {
    if (!ba_wpcom_applies()) {
        return $content;
    }
    $headline = '<h3 class="jp-relatedposts-headline"><em>Related</em></h3>';
    return $content . "\n\n<div id='jp-relatedposts' class='jp-relatedposts' >\n\t$headline\n</div>";
}, 40);

// Comment form: capture core's form and print Jetpack's iframe form instead.
add_action('comment_form_before', function () {
    ob_start();
}, 0);

add_action('comment_form_after', function () {
    ob_end_clean();
    $post_id = get_the_ID();
    $params  = array(
        'blogid'                     => BA_WPCOM_BLOG_ID,
        'postid'                     => $post_id,
        'comment_registration'       => get_option('comment_registration') ? '1' : '0',
        'require_name_email'         => get_option('require_name_email') ? '1' : '0',
        'stc_enabled'                => 1,
        'stb_enabled'                => 1,
        'show_avatars'               => get_option('show_avatars') ? '1' : '0',
        'avatar_default'             => get_option('avatar_default'),
        'greeting'                   => 'Leave a Reply',
        'jetpack_comments_nonce'     => 'ba0000cafe',
        'greeting_reply'             => 'Leave a Reply to %s',
        'color_scheme'               => 'light',
        'lang'                       => get_locale(),
        'jetpack_version'            => BA_WPCOM_JETPACK_VERSION,
        'iframe_unique_id'           => 1,
        'show_cookie_consent'        => 10,
        'has_cookie_consent'         => 0,
        'is_current_user_subscribed' => 0,
        'token_key'                  => ';normal;',
        'sig'                        => 'ba00000000000000000000000000000000000000',
    );
    $parent = set_url_scheme('http://' . ($_SERVER['HTTP_HOST'] ?? '') . ($_SERVER['REQUEST_URI'] ?? ''));
    $url    = 'https://jetpack.wordpress.com/jetpack-comment/?' . http_build_query($params) . '#parent=' . rawurlencode(esc_url_raw($parent));
    ?>

		<div id="respond" class="comment-respond">
			<h3 id="reply-title" class="comment-reply-title"><?php
            comment_form_title('Leave a Reply', 'Leave a Reply to %s');
            echo '<small>';
            cancel_comment_reply_link('Cancel reply');
            echo '</small>';
            ?></h3>
			<form id="commentform" class="comment-form">
				<iframe
					title="Comment Form"
					src="<?php echo esc_url($url); ?>"
											name="jetpack_remote_comment"
						style="width:100%; height: 430px; border:0;"
										class="jetpack_remote_comment"
					id="jetpack_remote_comment"
					sandbox="allow-same-origin allow-top-navigation allow-scripts allow-forms allow-popups"
				>
									</iframe>
									<!--[if !IE]><!-->
					<script>
						// Stand-in for Jetpack's inline script: no frame border, no scrolling.
						document.addEventListener('DOMContentLoaded', function () {
							Array.prototype.forEach.call(document.querySelectorAll('iframe.jetpack_remote_comment'), function (frame) {
								frame.allowTransparency = false;
								frame.scrolling = 'no';
							});
						});
					</script>
					<!--<![endif]-->
							</form>
		</div>

		
		<input type="hidden" name="comment_parent" id="comment_parent" value="" />

		<?php
}, 1);

// Footer data for the sharing script (sharing_add_footer).
add_action('wp_footer', function () {
    if (!is_singular()) {
        return;
    }
    $options = array('lang' => 'en', 'counts' => '1', 'is_stats_active' => '1');
    echo "<script type=\"text/javascript\" id=\"sharing-js-js-extra\">\n/* <![CDATA[ */\nvar sharing_js_options = "
        . wp_json_encode($options) . ";\n/* ]]> */\n</script>\n";
}, 20);
