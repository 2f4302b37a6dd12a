<?php
require_once dirname(__DIR__) . '/common.php';
// No html5 support: wp_list_comments() and comment_form() print core's xhtml markup.
add_action('after_setup_theme', function () { ba_matrix_setup(false); });
