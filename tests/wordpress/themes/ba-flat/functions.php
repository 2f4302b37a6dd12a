<?php
require_once dirname(__DIR__) . '/common.php';
add_action('after_setup_theme', function () { ba_matrix_setup(); });
// Threading off, as the Discussion setting does it: one flat list by date, no reply links.
add_filter('pre_option_thread_comments', '__return_zero');
