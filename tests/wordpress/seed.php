<?php
/**
 * Deterministic content for the blog-archiver test WordPress.
 *
 * Run by wp.sh on an EMPTY database: installs WordPress and creates users,
 * options, terms, pages, images, ~260 posts and ~800 comments. Same input,
 * same output: fixed dates, mt_srand() with a fixed seed, no "now".
 *
 * Env: BA_WP_PORT (URL), BA_WP_STATE (uploads go to $BA_WP_STATE/uploads).
 */

define('WP_INSTALLING', true);

// Never send mail from the test site (these are pluggable functions).
function wp_new_blog_notification($blog_title = '', $blog_url = '', $user_id = 0, $password = '') {}
function wp_mail($to = '', $subject = '', $message = '', $headers = '', $attachments = array()) { return true; }

require __DIR__ . '/boot.php';
require_once ABSPATH . 'wp-admin/includes/upgrade.php';
require_once ABSPATH . 'wp-admin/includes/image.php';

global $wpdb, $wp_rewrite;

$BA_STATE   = getenv('BA_WP_STATE') ?: '/tmp/blog-archiver-wp';
$BA_UPLOADS = $BA_STATE . '/uploads';

function ba_log($msg) { fwrite(STDERR, "[seed] $msg\n"); }
function ba_fail($msg) { fwrite(STDERR, "[seed] ERROR: $msg\n"); exit(1); }

/* Strings that must never show up in an archive (see groundtruth.php). */
const BA_M_DRAFT        = 'NEVER-ARCHIVE-DRAFT-3c1f';
const BA_M_PRIVATE      = 'NEVER-ARCHIVE-PRIVATE-8e2a';
const BA_M_FUTURE       = 'NEVER-ARCHIVE-FUTURE-0a5e';
const BA_M_PROTECTED    = 'NEVER-ARCHIVE-PROTECTED-5b7d';
const BA_M_PASSWORD     = 'NEVER-ARCHIVE-PASSWORD-1d9e';
const BA_M_PENDING      = 'NEVER-ARCHIVE-PENDING-4a6c';
const BA_M_SPAM         = 'NEVER-ARCHIVE-SPAM-9f0b';
const BA_M_TRASH        = 'NEVER-ARCHIVE-TRASH-2e8d';
const BA_M_PRIVCOMMENT  = 'NEVER-ARCHIVE-PRIVCOMMENT-7c3a';
const BA_M_PROTCOMMENT  = 'NEVER-ARCHIVE-PROTCOMMENT-6d1f';

/* ------------------------------------------------------------------ install */

$r = wp_install('Blog Archiver Test Blog', 'admin', 'ada@blog-archiver.example', true, '', 'admin-test-password');
if (is_wp_error($r)) {
    ba_fail($r->get_error_message());
}
wp_installing(false);
wp_cache_flush();

// Remove the default content ("Hello world!", sample page, privacy draft, comment).
foreach ($wpdb->get_col("SELECT ID FROM $wpdb->posts") as $id) {
    wp_delete_post((int) $id, true);
}
foreach ($wpdb->get_col("SELECT comment_ID FROM $wpdb->comments") as $id) {
    wp_delete_comment((int) $id, true);
}
foreach (array($wpdb->posts, $wpdb->postmeta, $wpdb->comments, $wpdb->commentmeta) as $t) {
    $wpdb->query("ALTER TABLE $t AUTO_INCREMENT = 1");
}

/* ------------------------------------------------------------------ options */

$BA_HOME = untrailingslashit(home_url());
$options = array(
    'blogname'                     => 'Blog Archiver Test Blog',
    'blogdescription'              => 'Films, journeys and notes — a test blog for blog-archiver',
    'admin_email'                  => 'ada@blog-archiver.example',
    'timezone_string'              => 'Europe/Paris',
    'gmt_offset'                   => '',
    'date_format'                  => 'F j, Y',
    'time_format'                  => 'g:i a',
    'start_of_week'                => 1,
    'blog_public'                  => 1,
    'posts_per_page'               => 10,
    'posts_per_rss'                => 10,
    'rss_use_excerpt'              => 0,
    'show_on_front'                => 'posts',
    'page_on_front'                => 0,
    'page_for_posts'               => 0,
    'wp_page_for_privacy_policy'   => 0,
    'default_comment_status'       => 'open',
    'default_ping_status'          => 'open',
    'default_pingback_flag'        => 0,
    'require_name_email'           => 1,
    'comment_registration'         => 0,
    'close_comments_for_old_posts' => 0,
    'close_comments_days_old'      => 14,
    'thread_comments'              => 1,
    'thread_comments_depth'        => 10,
    'page_comments'                => 1,
    'comments_per_page'            => 10,
    'default_comments_page'        => 'newest',
    'comment_order'                => 'asc',
    'comments_notify'              => 0,
    'moderation_notify'            => 0,
    'comment_moderation'           => 0,
    'comment_previously_approved'  => 0,
    'show_comments_cookies_opt_in' => 1,
    'show_avatars'                 => 1,
    'avatar_rating'                => 'G',
    'avatar_default'               => 'mystery',
    'use_smilies'                  => 1,
    'users_can_register'           => 0,
    'uploads_use_yearmonth_folders'=> 1,
    'upload_path'                  => $BA_UPLOADS,
    'upload_url_path'              => $BA_HOME . '/wp-content/uploads',
    'fresh_site'                   => 0,
);
foreach ($options as $k => $v) {
    update_option($k, $v);
}
$wp_rewrite->set_permalink_structure('/%year%/%monthnum%/%day%/%postname%/');
$wp_rewrite->set_category_base('');
$wp_rewrite->set_tag_base('');

/* ------------------------------------------------------------------ users */

$r = wp_update_user(array(
    'ID'           => 1,
    'display_name' => 'Ada Archivist',
    'nickname'     => 'Ada Archivist',
    'first_name'   => 'Ada',
    'last_name'    => 'Archivist',
    'description'  => 'Ada writes about films, trains and the web. She keeps everything.',
));
if (is_wp_error($r)) ba_fail($r->get_error_message());
$wpdb->update($wpdb->users, array('user_registered' => '2013-11-02 09:00:00'), array('ID' => 1));
$ADA = 1;
$BRUNO = wp_insert_user(array(
    'user_login'      => 'bruno',
    'user_pass'       => 'bruno-test-password',
    'user_email'      => 'bruno@blog-archiver.example',
    'user_nicename'   => 'bruno',
    'display_name'    => 'Bruno Blogger',
    'nickname'        => 'Bruno Blogger',
    'first_name'      => 'Bruno',
    'last_name'       => 'Blogger',
    'role'            => 'author',
    'description'     => 'Bruno covers indie cinema and music on Thursdays.',
    'user_registered' => '2013-12-01 10:00:00',
));
if (is_wp_error($BRUNO)) ba_fail($BRUNO->get_error_message());
clean_user_cache(1);
wp_set_current_user(1);  // administrator: unfiltered_html, so content is stored as written

/* ------------------------------------------------------------------ helpers */

mt_srand(20140213);

function ba_rand($min, $max) { return mt_rand($min, $max); }
function ba_pick(array $a) { return $a[mt_rand(0, count($a) - 1)]; }
function ba_chance($pct) { return mt_rand(1, 100) <= $pct; }

function ba_post(array $a) {
    $defaults = array(
        'post_type'      => 'post',
        'post_status'    => 'publish',
        'post_author'    => 1,
        'comment_status' => 'open',
        'ping_status'    => 'open',
    );
    $id = wp_insert_post(wp_slash(array_merge($defaults, $a)), true);
    if (is_wp_error($id)) {
        ba_fail('wp_insert_post: ' . $id->get_error_message() . ' for ' . ($a['post_title'] ?? '?'));
    }
    return (int) $id;
}

/** $who = array(name, email, url, ip, user_id) */
function ba_comment($post_id, $parent, array $who, $date, $content, $approved = '1', $type = 'comment') {
    $id = wp_insert_comment(wp_slash(array(
        'comment_post_ID'      => $post_id,
        'comment_parent'       => $parent,
        'comment_author'       => $who[0],
        'comment_author_email' => $who[1],
        'comment_author_url'   => $who[2],
        'comment_author_IP'    => $who[3],
        'user_id'              => $who[4] ?? 0,
        'comment_date'         => $date,
        'comment_content'      => $content,
        'comment_approved'     => $approved,
        'comment_type'         => $type,
        'comment_agent'        => 'Mozilla/5.0 (X11; Linux x86_64; rv:121.0) Gecko/20100101 Firefox/121.0',
    )));
    if (!$id) ba_fail("wp_insert_comment failed on post $post_id");
    if ($approved === 'trash') {
        add_comment_meta($id, '_wp_trash_meta_status', '1');
        add_comment_meta($id, '_wp_trash_meta_time', strtotime($date) + 86400);
    }
    return (int) $id;
}

function ba_date($base, $add_minutes) {
    return gmdate('Y-m-d H:i:s', strtotime($base . ' UTC') + 60 * $add_minutes);
}

/* ------------------------------------------------------------------ terms */

$CAT = array();
$cats = array(
    'Film'         => 'Films we watched, loved or walked out of.',
    'Reviews'      => 'Longer reviews.',
    'Cinéma'       => 'Cinéma français et européen.',
    'Travel'       => 'Trains, cities and slow journeys.',
    'Technology'   => 'Code, the web and archiving.',
    'Books'        => 'What we are reading.',
    'Music'        => 'Records, gigs and soundtracks.',
    'Food & Drink' => 'Cafés, kitchens and recipes.',
    'Notes'        => 'Short notes.',
);
foreach ($cats as $name => $desc) {
    $t = wp_insert_term($name, 'category', array('description' => $desc));
    if (is_wp_error($t)) ba_fail($t->get_error_message());
    $CAT[$name] = (int) $t['term_id'];
}
$t = wp_insert_term('Documentaries', 'category', array('parent' => $CAT['Film'], 'description' => 'Non-fiction films.'));
$CAT['Documentaries'] = (int) $t['term_id'];
$GEN_CATS = array('Film', 'Reviews', 'Cinéma', 'Travel', 'Technology', 'Books', 'Music', 'Food & Drink', 'Notes', 'Documentaries');
$GEN_TAGS = array('archive', 'indie', 'festival', 'Paris', 'Tokyo', 'Lisbon', 'trains', 'vinyl', 'soundtrack',
                  'coffee', 'Python', 'WordPress', 'été', '東京', 'noir', 'sequels', 'screenplay', 'weekend');

/* ------------------------------------------------------------------ people */

function ba_person($name, $slug, $url, $ip) {
    return array($name, $slug . '@commenters.example', $url, $ip, 0);
}
$PEOPLE = array(
    ba_person('Tom Hargreaves', 'tom.hargreaves', 'https://tomwatchesfilms.example/', '203.0.113.11'),
    ba_person('Priya Natarajan', 'priya.natarajan', '', '203.0.113.12'),
    ba_person('Jonas Becker', 'jonas.becker', '', '203.0.113.13'),
    ba_person('Zoë Ångström', 'zoe.angstrom', 'https://zoe.example.se/', '203.0.113.14'),
    ba_person('José Martínez', 'jose.martinez', 'https://cine-jose.example/', '203.0.113.15'),
    ba_person('Li Wei (李伟)', 'li.wei', '', '203.0.113.16'),
    ba_person('Noa Levi', 'noa.levi', 'https://noa.example.org/', '203.0.113.17'),
    ba_person('Yusuf Al-Amin', 'yusuf.alamin', '', '203.0.113.18'),
    ba_person('Margaret O\'Brien', 'margaret.obrien', 'https://mobrien.example.ie/', '203.0.113.19'),
    ba_person('Kenji Watanabe', 'kenji.watanabe', '', '203.0.113.20'),
    ba_person('Chloé Dubois', 'chloe.dubois', 'https://chloe-lit.example.fr/', '203.0.113.21'),
    ba_person('Sam', 'sam', '', '203.0.113.22'),
    ba_person('filmbuff_88', 'filmbuff88', 'https://filmbuff88.example/', '203.0.113.23'),
    ba_person('Dr. Helen Park', 'helen.park', '', '2001:db8::24'),
    ba_person('Ólafur Jónsson', 'olafur.jonsson', '', '203.0.113.25'),
    ba_person('Anonymous', 'anonymous', '', '203.0.113.26'),
    ba_person('Rosa García', 'rosa.garcia', 'https://rosa.example.es/', '203.0.113.27'),
    ba_person('Marcus Webb', 'marcus.webb', 'https://webb.example.com/blog/', '2001:db8::28'),
);
$ADA_WHO   = array('Ada Archivist', 'ada@blog-archiver.example', $BA_HOME, '198.51.100.7', 1);
$BRUNO_WHO = array('Bruno Blogger', 'bruno@blog-archiver.example', '', '198.51.100.8', $BRUNO);

$COMMENT_SENTENCES = array(
    'Great post, thanks for writing it.',
    'I completely disagree, but I enjoyed reading this.',
    'This made me want to watch it again.',
    'Did you see the director’s cut? It changes the ending a lot.',
    'The soundtrack alone is worth it.',
    'I read this on the train and missed my stop :)',
    'Could you write more about the cinematography?',
    'My favourite scene is the one on the beach.',
    'I had never thought about it that way.',
    'Bookmarked — I will come back to this.',
    'Totally agree with the <em>second</em> paragraph.',
    'This is the <strong>best</strong> summary I have read.',
    'There is a good interview about this on <a href="https://interviews.example.org/2019/director">this site</a>.',
    'Merci pour cet article, c’était très intéressant !',
    'Danke für den Beitrag — sehr schön geschrieben.',
    '¡Qué buena reseña! Me encantó.',
    'とても面白い記事でした。ありがとう！',
    '写得很好，谢谢分享。',
    'شكراً على هذه المقالة الرائعة.',
    'תודה רבה על הפוסט הזה!',
    'Loved it 😍🎬',
    'Small typo in the third paragraph: “teh” should be “the”.',
    'You can reproduce it with <code>python -m http.server</code> locally.',
    'I saw it at a festival in 2019 and the audience cheered.',
    'Is there a list of all the films you mention somewhere?',
    'Not sure I agree about the ending, but fair enough.',
);

function ba_comment_text() {
    global $COMMENT_SENTENCES;
    $n = ba_rand(1, 3);
    $s = array();
    for ($i = 0; $i < $n; $i++) {
        $s[] = ba_pick($COMMENT_SENTENCES);
    }
    if ($n == 3 && ba_chance(40)) {
        return $s[0] . ' ' . $s[1] . "\n\n" . $s[2];
    }
    return implode(' ', $s);
}

/* ------------------------------------------------------------------ images */

function ba_make_image($path, $w, $h, $style, $seed) {
    mt_srand($seed);  // local stream; reseeded below by caller
    $im = imagecreatetruecolor($w, $h);
    $c1 = array(ba_rand(0, 80), ba_rand(40, 120), ba_rand(120, 220));
    $c2 = array(ba_rand(150, 255), ba_rand(90, 200), ba_rand(0, 90));
    for ($y = 0; $y < $h; $y++) {
        $f = $y / max(1, $h - 1);
        $col = imagecolorallocate($im,
            (int) ($c1[0] + ($c2[0] - $c1[0]) * $f),
            (int) ($c1[1] + ($c2[1] - $c1[1]) * $f),
            (int) ($c1[2] + ($c2[2] - $c1[2]) * $f));
        imageline($im, 0, $y, $w - 1, $y, $col);
    }
    $white = imagecolorallocate($im, 250, 250, 245);
    $dark  = imagecolorallocate($im, 30, 30, 40);
    if ($style === 'reel') {
        $cx = (int) ($w / 2); $cy = (int) ($h / 2); $r = (int) (min($w, $h) * 0.4);
        imagefilledellipse($im, $cx, $cy, 2 * $r, 2 * $r, $white);
        imagefilledellipse($im, $cx, $cy, (int) ($r / 2), (int) ($r / 2), $dark);
        for ($k = 0; $k < 6; $k++) {
            $a = $k * M_PI / 3;
            imagefilledellipse($im, (int) ($cx + cos($a) * $r * 0.6), (int) ($cy + sin($a) * $r * 0.6), (int) ($r * 0.45), (int) ($r * 0.45), $dark);
        }
    } else {
        for ($k = 0; $k < 14; $k++) {
            $x = ba_rand(0, $w - 40);
            $bw = ba_rand(30, (int) ($w / 6));
            $bh = ba_rand((int) ($h / 6), (int) ($h * 0.7));
            imagefilledrectangle($im, $x, $h - $bh, $x + $bw, $h - 1, $dark);
            if ($style === 'night') {
                for ($q = 0; $q < 12; $q++) {
                    $wx = ba_rand($x + 3, $x + $bw - 6); $wy = ba_rand($h - $bh + 4, $h - 8);
                    imagefilledrectangle($im, $wx, $wy, $wx + 3, $wy + 4, $white);
                }
            }
        }
        if ($style === 'cup') {
            imagefilledellipse($im, (int) ($w / 2), (int) ($h / 2), (int) ($w / 3), (int) ($h / 3), $white);
            imagefilledellipse($im, (int) ($w / 2), (int) ($h / 2), (int) ($w / 4), (int) ($h / 4), imagecolorallocate($im, 120, 80, 40));
        }
    }
    if (substr($path, -4) === '.png') {
        imagepng($im, $path, 9);
    } else {
        imagejpeg($im, $path, 85);
    }
    imagedestroy($im);
}

function ba_attach($fname, $w, $h, $style, $title, $alt, $caption, $date) {
    $ud = wp_upload_dir('2021/03');
    if (!empty($ud['error'])) ba_fail('upload dir: ' . $ud['error']);
    $path = $ud['path'] . '/' . $fname;
    ba_make_image($path, $w, $h, $style, crc32($fname));
    $type = wp_check_filetype($fname);
    $id = wp_insert_attachment(wp_slash(array(
        'post_mime_type' => $type['type'],
        'post_title'     => $title,
        'post_content'   => '',
        'post_excerpt'   => $caption,
        'post_status'    => 'inherit',
        'post_author'    => 1,
        'post_date'      => $date,
        'guid'           => $ud['url'] . '/' . $fname,
    )), $path, 0, true);
    if (is_wp_error($id)) ba_fail($id->get_error_message());
    wp_update_attachment_metadata($id, wp_generate_attachment_metadata($id, $path));
    update_post_meta($id, '_wp_attachment_image_alt', wp_slash($alt));
    return array('id' => (int) $id, 'alt' => $alt, 'caption' => $caption);
}

function ba_img_block($img) {
    $src = wp_get_attachment_image_src($img['id'], 'large');
    return '<!-- wp:image {"id":' . $img['id'] . ',"sizeSlug":"large","linkDestination":"none"} -->' . "\n"
        . '<figure class="wp-block-image size-large"><img src="' . esc_url($src[0]) . '" alt="' . esc_attr($img['alt'])
        . '" class="wp-image-' . $img['id'] . '"/><figcaption class="wp-element-caption">' . esc_html($img['caption'])
        . '</figcaption></figure>' . "\n" . '<!-- /wp:image -->';
}

function ba_img_classic($img) {
    $src = wp_get_attachment_image_src($img['id'], 'medium');
    return '<img class="aligncenter size-medium wp-image-' . $img['id'] . '" src="' . esc_url($src[0]) . '" alt="'
        . esc_attr($img['alt']) . '" width="' . $src[1] . '" height="' . $src[2] . '" />';
}

function ba_img_caption($img) {
    $src = wp_get_attachment_image_src($img['id'], 'medium');
    return '[caption id="attachment_' . $img['id'] . '" align="alignnone" width="' . $src[1] . '"]<img class="size-medium wp-image-'
        . $img['id'] . '" src="' . esc_url($src[0]) . '" alt="' . esc_attr($img['alt']) . '" width="' . $src[1] . '" height="'
        . $src[2] . '" /> ' . esc_html($img['caption']) . '[/caption]';
}

/* ------------------------------------------------------------------ 1. the two seed posts */

$seed_dir = __DIR__ . '/content';
$INDIE = ba_post(array(
    'post_title'    => 'New Indie Thursday: Her',
    'post_content'  => file_get_contents("$seed_dir/indie-thursday.html"),
    'post_date'     => '2014-01-16 18:30:00',
    'post_author'   => $BRUNO,
    'post_category' => array($CAT['Film'], $CAT['Reviews']),
    'tags_input'    => array('Spike Jonze', 'Her', 'Indie Thursday'),
));
$SEED = ba_post(array(
    'post_title'    => 'Further thoughts on ‘Her’ by Spike Jonze',
    'post_content'  => file_get_contents("$seed_dir/further-thoughts.html"),
    'post_date'     => '2014-02-13 19:42:00',
    'post_author'   => $ADA,
    'post_category' => array($CAT['Film'], $CAT['Reviews']),
    'tags_input'    => array('Spike Jonze', 'Her', 'Before Sunrise'),
));

// Indie Thursday: two comments.
ba_comment($INDIE, 0, $PEOPLE[4], '2014-01-16 21:02:00', 'Being John Malkovich is still my favourite of his. Going to see <em>Her</em> this weekend!');
ba_comment($INDIE, 0, $PEOPLE[10], '2014-01-18 10:15:00', 'Quel beau texte. The dream-world idea is spot on.');

// Further thoughts: exactly 6 approved comments, threaded 3 levels deep.
$c1 = ba_comment($SEED, 0, $PEOPLE[0], '2014-02-13 21:05:00',
    "Lovely post. I think you are right that the talking is the heart of the film — it is basically a radio play with pictures.");
$c2 = ba_comment($SEED, $c1, $ADA_WHO, '2014-02-14 08:12:00',
    "Thanks Tom! A radio play with pictures is a great way of putting it.");
$c3 = ba_comment($SEED, $c2, $PEOPLE[0], '2014-02-14 09:40:00',
    "Ha, feel free to steal it for the third installment.");
ba_comment($SEED, 0, array('Kevin Moderated', 'kevin.moderated@commenters.example', 'https://kevin.example/', '203.0.113.61', 0),
    '2014-02-14 11:00:00', 'Pending comment awaiting moderation ' . BA_M_PENDING . ' — buy cheap sunglasses at my site.', '0');
$c4 = ba_comment($SEED, 0, $PEOPLE[1], '2014-02-15 17:23:00',
    'Have you seen <em>Lost in Translation</em>? Same feeling of two people just talking. I wrote about it <a href="https://priya.example/2013/lost-in-translation/">here</a>.');
$c5 = ba_comment($SEED, $c4, $ADA_WHO, '2014-02-15 19:01:00',
    "I have, and I love it. Bill Murray whispering is the best ending ever.");
$c6 = ba_comment($SEED, 0, $PEOPLE[2], '2014-02-17 22:48:00',
    "I found the ending a bit cold, but your Aeneid comparison made me reconsider. Looking forward to part three.");

/* ------------------------------------------------------------------ 3. pages */

$ABOUT = ba_post(array(
    'post_type'      => 'page',
    'post_title'     => 'About',
    'post_name'      => 'about',
    'post_date'      => '2013-12-01 12:00:00',
    'comment_status' => 'closed',
    'ping_status'    => 'closed',
    'post_content'   => "<!-- wp:paragraph -->\n<p>This is the <strong>Blog Archiver Test Blog</strong>: a blog about films, journeys and small notes, written by Ada and Bruno since 2013.</p>\n<!-- /wp:paragraph -->\n\n<!-- wp:paragraph -->\n<p>Nous écrivons aussi en français, parfois. 日本語も少し。</p>\n<!-- /wp:paragraph -->",
));
$CONTACT = ba_post(array(
    'post_type'      => 'page',
    'post_title'     => 'Contact',
    'post_name'      => 'contact',
    'post_date'      => '2013-12-01 12:05:00',
    'comment_status' => 'closed',
    'ping_status'    => 'closed',
    'post_content'   => "The best way to reach us is to leave a comment under any post.\n\nYou can also find us at the <a href=\"https://festival.example.org/\">Festival of Small Films</a> every October.",
));
$TEAM = ba_post(array(
    'post_type'      => 'page',
    'post_title'     => 'Team',
    'post_name'      => 'team',
    'post_parent'    => $ABOUT,
    'menu_order'     => 1,
    'post_date'      => '2013-12-02 09:30:00',
    'comment_status' => 'closed',
    'ping_status'    => 'closed',
    'post_content'   => "<h2>Ada Archivist</h2>\n\nEditor. Likes trains, <em>Before Sunrise</em> and well-formed HTML.\n\n<h2>Bruno Blogger</h2>\n\nWrites <strong>New Indie Thursday</strong>. Owns too many records.",
));

/* ------------------------------------------------------------------ 4. images */

$IMG = array(
    ba_attach('film-reel.png', 800, 500, 'reel', 'Film reel', 'A white film reel drawn on a blue-to-orange gradient',
              'A film reel, drawn for this blog.', '2021-03-02 10:00:00'),
    ba_attach('paris-rooftops.jpg', 1200, 800, 'city', 'Paris rooftops', 'Dark rooftops of Paris under an orange evening sky',
              'Les toits de Paris, le soir.', '2021-03-05 18:20:00'),
    ba_attach('coffee-cup.png', 640, 480, 'cup', 'Coffee cup', 'Café au lait dans une tasse blanche ☕',
              'Coffee before the matinée.', '2021-03-09 08:45:00'),
    ba_attach('tokyo-night.jpg', 1024, 683, 'night', 'Tokyo at night', '東京の夜景 — Tokyo skyline at night with lit windows',
              '東京の夜 / Tokyo at night.', '2021-03-21 22:10:00'),
);
mt_srand(20140213 + 1);
// Image on the About page.
wp_update_post(wp_slash(array(
    'ID'           => $ABOUT,
    'post_content' => get_post_field('post_content', $ABOUT, 'raw') . "\n\n" . ba_img_block($IMG[0]),
)));

/* ------------------------------------------------------------------ 2. generated posts */

$ADJ = array('Quiet', 'Late-night', 'Unexpected', 'Small', 'Rainy', 'Forgotten', 'Bright', 'Slow', 'Noisy', 'Gentle',
             'Curious', 'Long', 'Short', 'Golden', 'Blue', 'Midnight', 'Early', 'Second', 'Last', 'Strange');
$NOUN = array('notes on cinema', 'walks in Lisbon', 'thoughts about sequels', 'coffee and code', 'train journeys',
              'reading lists', 'film festivals', 'soundtracks', 'city maps', 'weekend projects', 'archive habits',
              'kitchen experiments', 'bookshop finds', 'screenplays', 'photographs', 'playlists', 'debugging sessions',
              'museum visits', 'letters', 'postcards');
$UNICODE_TITLES = array(
    'Café, crème brûlée et cinéma français',
    'Über Kinos in Köln — eine Liebeserklärung',
    '東京の映画館を巡る (Tokyo cinemas)',
    '北京电影节笔记 (Beijing film festival notes)',
    'Emoji review: 🎬🍿⭐⭐⭐⭐',
    'مراجعة فيلم: notes in Arabic',
    'ביקורת סרט: notes in Hebrew',
    'Ñandú, pingüino y cigüeña: Spanish words I love',
    'Ελληνικά: a Greek title test',
    'Привет from a Russian film club',
    'Smart “quotes”, ‘apostrophes’ & ampersands',
    'Symbols in a title: ≤ ≥ ≠ ∞ and 100% of them',
    '한국 영화 이야기 (Korean cinema)',
);
$SENT = array(
    'I went back to the cinema on a Tuesday afternoon, when the room is nearly empty.',
    'The first twenty minutes are slow, and then everything clicks into place.',
    'It is the kind of film that stays with you for days.',
    'We took the night train and arrived just as the cafés were opening.',
    'I keep a small notebook for these trips, and this page is mostly crossed out.',
    'The light in the last scene is <em>extraordinary</em>.',
    'Nobody in our group agreed on the ending, which is always a good sign.',
    'The score does a lot of the work, maybe <strong>too much</strong> of it.',
    'There is a lovely essay on this in <a href="https://en.wikipedia.org/wiki/Film_criticism">the Wikipedia article on film criticism</a>.',
    'You can read the original interview <a href="https://interviews.example.org/2020/01/long-talk">on the festival site</a>.',
    'To rebuild the archive I ran <code>wget --mirror</code> first, which was a mistake.',
    'The script calls <code>wp_insert_post()</code> once per row and that is fast enough.',
    'My friend insists that the book is better; for once I agree.',
    'Le café était parfait, la séance un peu moins.',
    'Wir haben den Film zweimal gesehen, einmal auf Deutsch und einmal im Original.',
    'The station clock was three minutes fast, as always.',
    'It rained for the whole weekend, so we watched six films back to back.',
    'The record shop on the corner still sells <em>soundtracks</em> on vinyl.',
    'I wrote down every title, and the list is below.',
    'This is not a review so much as a list of things I noticed.',
    'If you only see one film this year, make it this one.',
    'The bookshop had a shelf called <strong>Books about films about books</strong>.',
    'We got lost twice, which is the point of walking.',
    'Half of the audience left at the intermission; the other half stayed until the credits ended.',
    'I still think about that opening shot.',
    'The subtitles were charmingly wrong.',
);
$UNI_PARAS = array(
    '<p dir="rtl" lang="ar">هذه فقرة باللغة العربية لاختبار النص من اليمين إلى اليسار في الأرشيف.</p>',
    '<p dir="rtl" lang="he">זוהי פסקה בעברית כדי לבדוק טקסט מימין לשמאל בארכיון.</p>',
    '<p lang="zh">这是一段中文，用来测试归档中的汉字。我们喜欢看电影。</p>',
    '<p lang="ja">これは日本語の段落です。映画館で夜を過ごしました。</p>',
    '<p>Emoji check: 🎬 🍿 🚆 ☕ 📚 🎵 — and a flag 🇫🇷 and a family 👨‍👩‍👧.</p>',
    '<p>Accents: à la carte, naïve, façade, Ærø, Łódź, São Paulo, Reykjavík, Zürich.</p>',
);
$LINKS = array(
    array('https://example.com/reviews/2019/the-long-list', 'the long list'),
    array('https://www.imdb.com/title/tt0112471/', 'Before Sunrise on IMDb'),
    array('https://en.wikipedia.org/wiki/Spike_Jonze', 'Spike Jonze'),
    array('https://festival.example.org/programme?year=2021&lang=fr', 'the festival programme'),
    array('https://example.net/%C3%A9t%C3%A9/', 'an été reading list'),
);

function ba_para_text($n) {
    global $SENT;
    $s = array();
    for ($k = 0; $k < $n; $k++) {
        $s[] = ba_pick($SENT);
    }
    return implode(' ', $s);
}

/** Returns the body of generated post $i. $prev: array of [url,title] of earlier posts. */
function ba_body($i, $block, $prev, $img, $img_style) {
    global $UNI_PARAS, $LINKS;
    $el = array();  // each: array(kind, html)
    $np = ba_rand(3, 6);
    for ($p = 0; $p < $np; $p++) {
        $el[] = array('p', ba_para_text(ba_rand(2, 5)));
    }
    // A link in every post: external or to an earlier post.
    if ($prev && ($i % 2 == 0)) {
        $t = $prev[ba_rand(max(0, count($prev) - 30), count($prev) - 1)];
        $el[1][1] .= ' I wrote about something similar in <a href="' . esc_url($t[0]) . '">' . esc_html($t[1]) . '</a>.';
    } else {
        $l = ba_pick($LINKS);
        $el[1][1] .= ' See also <a href="' . esc_url($l[0]) . '">' . esc_html($l[1]) . '</a>.';
    }
    if ($block && $i % 2 == 1) {
        array_splice($el, 1, 0, array(array('h2', 'What I noticed')));
    }
    if ($i % 3 == 0) {
        $items = array('The opening shot', 'The <em>music</em>', 'The last line of dialogue', 'A café in the second act', 'The credits');
        $ordered = ($i % 2 == 0);
        $li = '';
        $n = ba_rand(3, 5);
        for ($k = 0; $k < $n; $k++) $li .= '<li>' . $items[$k] . '</li>';
        $el[] = array('list', ($ordered ? '<ol>' : '<ul>') . $li . ($ordered ? '</ol>' : '</ul>'));
    }
    if ($i % 4 == 1) {
        $el[] = array('quote', 'Cinema is a matter of what’s in the frame and what’s out.|Martin Scorsese');
    }
    if ($i % 10 == 3) {
        $el[] = array('code', "for url in urls:\n    fetch(url)  # keep &lt;everything&gt;");
    }
    if ($i % 5 == 4) {
        $el[] = array('raw', $UNI_PARAS[intdiv($i, 5) % count($UNI_PARAS)]);
    }
    if ($img) {
        array_splice($el, 2, 0, array(array('img', $img)));
    }
    if (!$block && $i % 5 == 2) {
        array_splice($el, 1, 0, array(array('more', '')));
    }

    $out = array();
    foreach ($el as $e) {
        list($kind, $html) = $e;
        if ($block) {
            switch ($kind) {
                case 'p':     $out[] = "<!-- wp:paragraph -->\n<p>$html</p>\n<!-- /wp:paragraph -->"; break;
                case 'h2':    $out[] = "<!-- wp:heading -->\n<h2>$html</h2>\n<!-- /wp:heading -->"; break;
                case 'list':  $out[] = (strpos($html, '<ol>') === 0 ? "<!-- wp:list {\"ordered\":true} -->\n" : "<!-- wp:list -->\n") . $html . "\n<!-- /wp:list -->"; break;
                case 'quote': list($q, $c) = explode('|', $html);
                              $out[] = "<!-- wp:quote -->\n<blockquote class=\"wp-block-quote\"><p>$q</p><cite>$c</cite></blockquote>\n<!-- /wp:quote -->"; break;
                case 'code':  $out[] = "<!-- wp:code -->\n<pre class=\"wp-block-code\"><code>$html</code></pre>\n<!-- /wp:code -->"; break;
                case 'raw':   $out[] = "<!-- wp:paragraph -->\n$html\n<!-- /wp:paragraph -->"; break;
                case 'img':   $out[] = ba_img_block($html); break;
            }
        } else {
            switch ($kind) {
                case 'p':     $out[] = $html; break;
                case 'h2':    $out[] = "<h2>$html</h2>"; break;
                case 'list':  $out[] = str_replace('<li>', "\n<li>", $html); break;
                case 'quote': list($q, $c) = explode('|', $html);
                              $out[] = "<blockquote>$q\n— $c</blockquote>"; break;
                case 'code':  $out[] = "<pre><code>$html</code></pre>"; break;
                case 'raw':   $out[] = $html; break;
                case 'img':   $out[] = ($img_style == 0) ? ba_img_classic($html) : ba_img_caption($html); break;
                case 'more':  $out[] = '<!--more-->'; break;
            }
        }
    }
    return implode("\n\n", $out);
}

// Title list: adjective x noun, shuffled deterministically, Unicode titles sprinkled in.
$titles = array();
foreach ($ADJ as $a) foreach ($NOUN as $n) $titles[] = "$a $n";
for ($k = count($titles) - 1; $k > 0; $k--) {
    $j = ba_rand(0, $k);
    $tmp = $titles[$k]; $titles[$k] = $titles[$j]; $titles[$j] = $tmp;
}
$titles = array_map('ucfirst', $titles);

$N_GEN = 253;
$gen_titles = array();
$u = 0; $t = 0;
for ($i = 0; $i < $N_GEN; $i++) {
    if ($i % 19 == 7 && $u < count($UNICODE_TITLES)) {
        $gen_titles[] = $UNICODE_TITLES[$u++];
    } else {
        $gen_titles[] = $titles[$t++];
    }
}

/* Special posts, inserted in date order among the generated ones. */
$SPECIAL = array();  // key => id
$specials = array(
    array('date' => '2019-03-10 16:00:00', 'key' => 'closed'),
    array('date' => '2020-01-05 09:00:00', 'key' => 'sticky'),
    array('date' => '2021-09-21 12:00:00', 'key' => 'pingback'),
    array('date' => '2022-02-14 20:00:00', 'key' => 'protected'),
    array('date' => '2023-06-15 10:00:00', 'key' => 'many'),
    array('date' => '2024-03-03 11:00:00', 'key' => 'private'),
    array('date' => '2024-10-01 08:00:00', 'key' => 'draft'),
    array('date' => '2024-11-02 15:30:00', 'key' => 'zero'),
    array('date' => '2024-12-20 09:00:00', 'key' => 'future'),
);

$FORBIDDEN_COMMENTS = array();

function ba_special($key, $date) {
    global $CAT, $ADA, $BRUNO, $PEOPLE, $ADA_WHO, $BRUNO_WHO, $IMG, $SPECIAL, $FORBIDDEN_COMMENTS, $SEED;
    switch ($key) {
        case 'closed':
            $id = ba_post(array(
                'post_title'     => 'Comments are closed on this one',
                'post_content'   => "We closed comments on this post after the first two replies.\n\nThe two comments below are older than the decision and stay visible.",
                'post_date'      => $date,
                'comment_status' => 'closed',
                'ping_status'    => 'closed',
                'post_category'  => array($CAT['Notes']),
                'tags_input'     => array('archive'),
            ));
            ba_comment($id, 0, $PEOPLE[8], ba_date($date, 90), 'First! Sorry, someone had to say it.');
            ba_comment($id, 0, $PEOPLE[13], ba_date($date, 60 * 26), 'A sensible decision. Thanks for keeping the older comments.');
            break;
        case 'sticky':
            $id = ba_post(array(
                'post_title'    => 'Start here: a guide to this blog',
                'post_content'  => "<!-- wp:paragraph -->\n<p>Welcome! This post is <strong>sticky</strong>, so it stays at the top of the home page.</p>\n<!-- /wp:paragraph -->\n\n"
                    . ba_img_block($IMG[1]) . "\n\n<!-- wp:paragraph -->\n<p>Start with <a href=\"" . esc_url(get_permalink($SEED))
                    . "\">Further thoughts on ‘Her’</a>, then browse the <a href=\"" . esc_url(get_category_link($CAT['Film'])) . "\">Film</a> category.</p>\n<!-- /wp:paragraph -->",
                'post_date'     => $date,
                'post_category' => array($CAT['Notes']),
                'tags_input'    => array('archive'),
            ));
            stick_post($id);
            break;
        case 'pingback':
            $id = ba_post(array(
                'post_title'    => 'Why we keep linking to each other',
                'post_content'  => "Blogs used to talk to each other with pingbacks and trackbacks.\n\n" . ba_img_caption($IMG[2])
                    . "\n\nThis post received one of each, see below.",
                'post_date'     => $date,
                'post_category' => array($CAT['Technology']),
                'tags_input'    => array('WordPress', 'archive'),
            ));
            ba_comment($id, 0, array('Another Film Blog &raquo; Why linking matters', 'pingback@otherblog.example',
                'https://otherblog.example/2021/09/22/why-linking-matters/', '192.0.2.44', 0), ba_date($date, 60 * 24),
                '[&#8230;] as the Blog Archiver Test Blog put it, blogs used to talk to each other [&#8230;]', '1', 'pingback');
            ba_comment($id, 0, array('Trackback Weekly', 'trackback@tbweekly.example',
                'https://tbweekly.example/issue-12/', '192.0.2.45', 0), ba_date($date, 60 * 50),
                '<strong>Issue 12: links</strong> This week: a post about pingbacks, trackbacks and old blogs.', '1', 'trackback');
            ba_comment($id, 0, $PEOPLE[17], ba_date($date, 60 * 51), 'I miss trackbacks. Nobody uses them any more.');
            break;
        case 'protected':
            $id = ba_post(array(
                'post_title'    => 'A members-only note',
                'post_content'  => 'Only friends with the password can read this. Secret body: ' . BA_M_PROTECTED . '.',
                'post_password' => BA_M_PASSWORD,
                'post_date'     => $date,
                'post_category' => array($CAT['Notes']),
            ));
            $FORBIDDEN_COMMENTS[] = ba_comment($id, 0, $PEOPLE[3], ba_date($date, 120),
                'Comment on a protected post: ' . BA_M_PROTCOMMENT);
            break;
        case 'many':
            $id = ba_post(array(
                'post_title'    => 'The big discussion: 125 comments and counting',
                'post_content'  => "<!-- wp:paragraph -->\n<p>Which film should we watch at the next club night? Tell us in the comments — and reply to each other!</p>\n<!-- /wp:paragraph -->",
                'post_date'     => $date,
                'post_category' => array($CAT['Film']),
                'tags_input'    => array('festival', 'indie'),
            ));
            $ids = array(); $depth = array(); $root = array();
            $tmin = 45;
            for ($k = 0; $k < 125; $k++) {
                if ($k == 0 || ($k >= 7 && ba_chance(21))) {
                    $parent = 0;
                } elseif ($k <= 6) {
                    $parent = $ids[$k - 1];  // first thread: a chain 7 levels deep
                } else {
                    $last = $ids[$k - 1];
                    if ($depth[$last] < 9 && ba_chance(55)) {
                        $parent = $last;
                    } else {
                        $cands = array();
                        foreach ($ids as $c) if ($root[$c] == $root[$last] && $depth[$c] < 10) $cands[] = $c;
                        $parent = ba_pick($cands);
                    }
                }
                $who = ($k % 11 == 5) ? $ADA_WHO : $PEOPLE[ba_rand(0, count($PEOPLE) - 1)];
                $tmin += ba_rand(7, 300);
                $text = ($k == 0) ? 'Let’s start: <em>Before Sunrise</em>, obviously.' : ba_comment_text();
                $c = ba_comment($id, $parent, $who, ba_date($date, $tmin), $text);
                $ids[] = $c;
                $depth[$c] = $parent ? $depth[$parent] + 1 : 1;
                $root[$c] = $parent ? $root[$parent] : $c;
                if ($k == 60) {
                    $FORBIDDEN_COMMENTS[] = ba_comment($id, 0, array('Cheap Pills', 'cheap.pills@spam.example', 'https://spam.example/pills',
                        '192.0.2.66', 0), ba_date($date, $tmin + 3), 'Spam comment ' . BA_M_SPAM . ' visit my pharmacy', 'spam');
                }
            }
            $tops = count(array_filter($ids, function ($c) use ($depth) { return $depth[$c] == 1; }));
            ba_log("125-comment post: $tops top-level threads, max depth " . max($depth));
            break;
        case 'private':
            $id = ba_post(array(
                'post_title'    => 'Private diary ' . BA_M_PRIVATE,
                'post_content'  => 'Private post body ' . BA_M_PRIVATE,
                'post_status'   => 'private',
                'post_date'     => $date,
            ));
            $FORBIDDEN_COMMENTS[] = ba_comment($id, 0, $BRUNO_WHO, ba_date($date, 30), 'Comment on a private post ' . BA_M_PRIVCOMMENT);
            break;
        case 'draft':
            $id = ba_post(array(
                'post_title'    => 'Unfinished draft ' . BA_M_DRAFT,
                'post_content'  => 'Draft body ' . BA_M_DRAFT . ' — not ready yet.',
                'post_status'   => 'draft',
                'post_name'     => 'unfinished-draft',
                'post_date'     => $date,
            ));
            break;
        case 'zero':
            $id = ba_post(array(
                'post_title'    => 'A quiet post with no comments yet',
                'post_content'  => "Comments are open here, but nobody has said anything yet.\n\nBe the first?",
                'post_date'     => $date,
                'post_category' => array($CAT['Notes']),
            ));
            break;
        case 'future':
            $id = ba_post(array(
                'post_title'    => 'Scheduled for 2099 ' . BA_M_FUTURE,
                'post_content'  => 'Scheduled post body ' . BA_M_FUTURE,
                'post_status'   => 'future',
                'post_date'     => '2099-01-01 09:00:00',
            ));
            break;
    }
    $SPECIAL[$key] = $id;
}

$start = strtotime('2019-01-02 00:00:00 UTC');
$span = strtotime('2024-12-28 00:00:00 UTC') - $start;
$prev = array();
$sp = 0;
$img_posts = array(5 => 0, 42 => 1, 79 => 2, 116 => 3, 153 => 0, 190 => 1, 227 => 3);
$modified = array();
for ($i = 0; $i < $N_GEN; $i++) {
    $day = $start + (int) floor($i * $span / $N_GEN);
    $date = gmdate('Y-m-d', $day) . sprintf(' %02d:%02d:%02d', ba_rand(7, 22), ba_rand(0, 59), ba_rand(0, 59));
    while ($sp < count($specials) && $specials[$sp]['date'] < $date) {
        ba_special($specials[$sp]['key'], $specials[$sp]['date']);
        $sp++;
    }
    $block = in_array($i % 5, array(1, 3), true);
    $img = isset($img_posts[$i]) ? $IMG[$img_posts[$i]] : null;
    $content = ba_body($i, $block, $prev, $img, $i % 2);
    $cats = array($CAT[$GEN_CATS[$i % count($GEN_CATS)]]);
    if (ba_chance(30)) $cats[] = $CAT[ba_pick($GEN_CATS)];
    $tags = array();
    $nt = ba_rand(0, 3);
    for ($k = 0; $k < $nt; $k++) $tags[] = ba_pick($GEN_TAGS);
    $args = array(
        'post_title'    => $gen_titles[$i],
        'post_content'  => $content,
        'post_date'     => $date,
        'post_author'   => ($i % 4 == 2) ? $BRUNO : $ADA,
        'post_category' => array_values(array_unique($cats)),
        'tags_input'    => array_values(array_unique($tags)),
    );
    if ($i % 7 == 3) {
        $args['post_excerpt'] = 'A hand-written excerpt for “' . $gen_titles[$i] . '”.';
    }
    $id = ba_post($args);
    $prev[] = array(get_permalink($id), $gen_titles[$i]);
    if ($i % 9 == 4) {
        $modified[$id] = ba_date($date, 60 * 24 * ba_rand(1, 40));
    }
    // Comments: most posts have none, some a few, with occasional replies.
    $nc = ba_pick(array(0, 0, 0, 0, 1, 1, 2, 3, 4));
    $cids = array();
    $t = 30;
    for ($k = 0; $k < $nc; $k++) {
        $t += ba_rand(20, 3000);
        $parent = ($cids && ba_chance(35)) ? ba_pick($cids) : 0;
        $who = ($parent && ba_chance(40)) ? (($i % 4 == 2) ? $BRUNO_WHO : $ADA_WHO) : $PEOPLE[ba_rand(0, count($PEOPLE) - 1)];
        $cids[] = ba_comment($id, $parent, $who, ba_date($date, $t), ba_comment_text());
    }
    if ($i == 100) {
        $FORBIDDEN_COMMENTS[] = ba_comment($id, 0, array('Trash Talker', 'trash.talker@commenters.example', '', '203.0.113.99', 0),
            ba_date($date, $t + 45), 'Trashed comment ' . BA_M_TRASH, 'trash');
    }
}
while ($sp < count($specials)) {
    ba_special($specials[$sp]['key'], $specials[$sp]['date']);
    $sp++;
}

/* ------------------------------------------------------------------ theme, menu, final touches */

switch_theme('twentytwentyone');
$menu_id = wp_create_nav_menu('Primary');
foreach (array(array($ABOUT, 0), array($TEAM, 'about'), array($CONTACT, 0)) as $k => $m) {
    $item = wp_update_nav_menu_item($menu_id, 0, array(
        'menu-item-object-id' => $m[0],
        'menu-item-object'    => 'page',
        'menu-item-type'      => 'post_type',
        'menu-item-status'    => 'publish',
        'menu-item-position'  => $k + 1,
        'menu-item-parent-id' => $m[1] === 'about' ? $about_item : 0,
    ));
    if ($k == 0) $about_item = $item;
}
set_theme_mod('nav_menu_locations', array('primary' => $menu_id, 'footer' => $menu_id));

// Deterministic "last modified" dates for some posts (others: modified == published).
$modified[$SEED] = '2014-02-20 10:00:00';
$modified[$ABOUT] = '2021-03-02 10:30:00';  // the image was added then (wp_update_post set "now")
foreach ($modified as $id => $local) {
    $wpdb->update($wpdb->posts, array(
        'post_modified'     => $local,
        'post_modified_gmt' => get_gmt_from_date($local),
    ), array('ID' => $id));
    clean_post_cache($id);
}

update_option('ba_markers', array(BA_M_DRAFT, BA_M_PRIVATE, BA_M_FUTURE, BA_M_PROTECTED, BA_M_PASSWORD, BA_M_PENDING,
                                  BA_M_SPAM, BA_M_TRASH, BA_M_PRIVCOMMENT, BA_M_PROTCOMMENT), 'no');
update_option('ba_special_posts', array_merge($SPECIAL, array('seed' => $SEED, 'indie' => $INDIE, 'about' => $ABOUT,
              'contact' => $CONTACT, 'team' => $TEAM)), 'no');
update_option('ba_forbidden_comments', $FORBIDDEN_COMMENTS, 'no');

// Remove cron events and transients created during seeding (none should run; keep the dump stable).
delete_option('cron');
$wpdb->query("DELETE FROM $wpdb->options WHERE option_name LIKE '\\_transient\\_%' OR option_name LIKE '\\_site\\_transient\\_%'");

flush_rewrite_rules(false);

$np = (int) $wpdb->get_var("SELECT COUNT(*) FROM $wpdb->posts WHERE post_type='post' AND post_status='publish'");
$nc = (int) $wpdb->get_var("SELECT COUNT(*) FROM $wpdb->comments");
ba_log("done: $np published posts, $nc comments (all statuses); specials: " . json_encode($SPECIAL));

/* ================================================================== theme matrix (issue 18)
 * Three posts that REST-off extraction and discovery once lost, appended after every other
 * id so none changes; their ids are in groundtruth's special map (query_loop, gallery,
 * untitled). The other engineers' blocks go after this one.
 */
$ba_matrix = array();
// A post whose body lists other posts (a Query Loop and a Latest Posts block): their titles
// and dates are part of its rendered body, never its title or its own body. (No excerpts:
// themes filter excerpt_more, so the rendered body would depend on the theme.)
$ba_matrix['query_loop'] = ba_post(array(
    'post_title'    => 'What we wrote lately, in one list',
    'post_content'  => "<!-- wp:paragraph -->\n<p>This post keeps an up-to-date list of our recent writing, so readers who land here find the newest posts first.</p>\n<!-- /wp:paragraph -->\n\n"
        . "<!-- wp:query {\"queryId\":7,\"query\":{\"perPage\":3,\"pages\":0,\"offset\":0,\"postType\":\"post\",\"order\":\"desc\",\"orderBy\":\"date\",\"author\":\"\",\"search\":\"\",\"exclude\":[],\"sticky\":\"exclude\",\"inherit\":false}} -->\n"
        . "<div class=\"wp-block-query\"><!-- wp:post-template -->\n<!-- wp:post-title {\"isLink\":true} /-->\n\n<!-- wp:post-date /-->\n<!-- /wp:post-template --></div>\n<!-- /wp:query -->\n\n"
        . "<!-- wp:paragraph -->\n<p>And the five before those, as a plain list with their dates:</p>\n<!-- /wp:paragraph -->\n\n"
        . "<!-- wp:latest-posts {\"postsToShow\":5,\"displayPostDate\":true} /-->\n\n"
        . "<!-- wp:paragraph -->\n<p>Both lists update themselves whenever we publish something new.</p>\n<!-- /wp:paragraph -->",
    'post_date'     => '2022-05-10 09:30:00',
    'post_category' => array($CAT['Notes']),
    'tags_input'    => array('archive'),
));
ba_comment($ba_matrix['query_loop'], 0, $PEOPLE[3], '2022-05-10 12:00:00', 'Handy. I bookmarked this page instead of the home page.');
// A classic post with a [gallery] shortcode between its paragraphs.
$ba_matrix['gallery'] = ba_post(array(
    'post_title'    => 'A small gallery from the archive room',
    'post_content'  => "We photographed the shelves before moving them to the new room.\n\n"
        . '[gallery columns="2" size="thumbnail" ids="' . $IMG[0]['id'] . ',' . $IMG[1]['id'] . ',' . $IMG[2]['id'] . '"]'
        . "\n\nThe boxes on the left hold the letters from the nineties; the ones on the right are still unsorted.\n\nMore pictures once the move is done.",
    'post_date'     => '2021-04-18 16:45:00',
    'post_category' => array($CAT['Notes']),
    'tags_input'    => array('archive'),
));
// A post without a title: archive pages link it only through its date or comments link.
$ba_matrix['untitled'] = ba_post(array(
    'post_title'    => '',
    'post_content'  => "A short note without a title, posted from the phone on the train.\n\nThe view over the river was worth the early start.",
    'post_date'     => '2020-06-03 07:15:00',
    'post_category' => array($CAT['Travel']),
    'tags_input'    => array('trains'),
));
ba_comment($ba_matrix['untitled'], 0, $PEOPLE[5], '2020-06-03 09:00:00', 'Which river? It sounds lovely.');
update_option('ba_special_posts', array_merge(get_option('ba_special_posts', array()), $ba_matrix), 'no');
delete_option('cron');
ba_log('theme matrix posts: ' . json_encode($ba_matrix));
/* ================================================================ end of theme matrix block */

/* ================================================================== issue 18 (rest): deep thread, nextpage post
 * Appended last so that no earlier id changes. (a) A thread 12 levels deep on a blog whose
 * display depth is 10: WordPress prints the replies at depths 11 and 12 at depth 10, so only
 * REST's `parent` tells their true parents. (b) A post in three <!--nextpage--> pages.
 * Ids in the ground truth's `special` map: `deep`, `nextpage`. */
$deep_date = '2024-05-04 09:00:00';
$DEEP = ba_post(array(
    'post_title'    => 'A conversation that went very deep',
    'post_content'  => "Twelve replies, each answering the one before.\n\nThe blog shows ten levels; the rest are flattened.",
    'post_date'     => $deep_date,
    'post_category' => array($CAT['Notes']),
    'tags_input'    => array('archive'),
));
$deep_parent = 0;
$deep_chain = array();
for ($level = 1; $level <= 12; $level++) {
    $who = ($level % 2) ? $PEOPLE[($level * 5) % count($PEOPLE)] : $ADA_WHO;
    $deep_parent = ba_comment($DEEP, $deep_parent, $who, ba_date($deep_date, 30 * $level),
        "Reply at level $level of the deep thread: still answering the comment above.");
    $deep_chain[$level] = $deep_parent;
}
// A second answer to the level-10 comment, after the chain: a flattened sibling at the display depth.
ba_comment($DEEP, $deep_chain[10], $PEOPLE[3], ba_date($deep_date, 30 * 13),
    'Another answer to level 10, written after the level 12 reply.');
ba_comment($DEEP, $deep_chain[11], $PEOPLE[6], ba_date($deep_date, 30 * 14),
    'A late answer to level 11.');

function ba_nextpage_paragraphs(array $texts) {
    return implode("\n\n", array_map(function ($t) {
        return "<!-- wp:paragraph -->\n<p>$t</p>\n<!-- /wp:paragraph -->";
    }, $texts));
}
$nextpage_date = '2024-05-11 08:30:00';
$NEXTPAGE = ba_post(array(
    'post_title'    => 'A long walk in three pages',
    // Block markup, as the block editor saves a page break: block themes print the page
    // links (wp_link_pages) only for a core/nextpage block, classic themes for both.
    'post_content'  => ba_nextpage_paragraphs(array(
            'First page: we left the station at dawn and followed the river north.',
            'The path was muddy but the light was good.'))
        . "\n\n<!-- wp:nextpage -->\n<!--nextpage-->\n<!-- /wp:nextpage -->\n\n"
        . ba_nextpage_paragraphs(array(
            'Second page: by noon the valley opened and we ate bread by the old mill.',
            'A heron watched us the whole time.'))
        . "\n\n<!-- wp:nextpage -->\n<!--nextpage-->\n<!-- /wp:nextpage -->\n\n"
        . ba_nextpage_paragraphs(array(
            'Third page: the last climb took an hour, and the view from the ridge was worth every step.',
            'We were home before dark.')),
    'post_date'     => $nextpage_date,
    'post_category' => array($CAT['Travel']),
    'tags_input'    => array('trains'),
));
ba_comment($NEXTPAGE, 0, $PEOPLE[10], ba_date($nextpage_date, 120), 'Which page had the heron? All three were lovely.');

update_option('ba_special_posts', array_merge((array) get_option('ba_special_posts', array()),
    array('deep' => $DEEP, 'nextpage' => $NEXTPAGE)), 'no');
ba_log("issue 18 block: deep=$DEEP nextpage=$NEXTPAGE");
/* ================================================================== end of issue 18 (rest) block */
