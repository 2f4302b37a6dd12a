<?php
require_once dirname(__DIR__) . '/common.php';
add_action('after_setup_theme', function () { ba_matrix_setup(); });
// The Discussion settings of a blog with many small comment pages, the oldest first.
add_filter('pre_option_comments_per_page', function () { return 3; });
add_filter('pre_option_default_comments_page', function () { return 'oldest'; });
