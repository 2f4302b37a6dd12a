<?php
require_once dirname(__DIR__) . '/common.php';
// Kubrick predates html5 support: core prints the xhtml comment markup.
add_action('after_setup_theme', function () { ba_matrix_setup(false); });
