<?php
/**
 * php modes.php 'NAME[,NAME...]' | 'none' | '' : set the site modes of the
 * test WordPress (option ba_test_modes, read by the mu-plugin
 * mu-plugins/blog-archiver-test-modes.php), then print the active modes,
 * comma-separated ("none" when there are none). An empty argument only prints.
 */
require __DIR__ . '/boot.php';

$ba_arg = trim($argv[1] ?? '');
$ba_old = ba_test_modes_active();

if ($ba_arg !== '') {
    $ba_new = $ba_arg === 'none' ? array() : array_values(array_unique(array_filter(array_map('trim', explode(',', $ba_arg)))));
    $ba_unknown = array_diff($ba_new, BA_TEST_MODES);
    if ($ba_unknown) {
        fwrite(STDERR, 'unknown mode(s): ' . implode(', ', $ba_unknown) . '; known: ' . implode(', ', BA_TEST_MODES) . "\n");
        exit(2);
    }
    global $wp_rewrite;
    $ba_plain_was = in_array('plain-permalinks', $ba_old, true);
    $ba_plain_now = in_array('plain-permalinks', $ba_new, true);
    if ($ba_plain_now && !$ba_plain_was) {
        update_option('ba_test_modes_permalink_structure', get_option('permalink_structure'), false);
        $wp_rewrite->set_permalink_structure('');
        flush_rewrite_rules(false);
    } elseif ($ba_plain_was && !$ba_plain_now) {
        $wp_rewrite->set_permalink_structure((string) get_option('ba_test_modes_permalink_structure', ''));
        delete_option('ba_test_modes_permalink_structure');
        flush_rewrite_rules(false);
    }
    // The throttle mode refuses only the first request of its URLs: forget which were asked.
    global $wpdb;
    $wpdb->query("DELETE FROM $wpdb->options WHERE option_name LIKE 'ba\\_throttled\\_%'");
    if ($ba_new) {
        update_option('ba_test_modes', $ba_new);
    } else {
        delete_option('ba_test_modes');
    }
}

$ba_active = ba_test_modes_active();
echo $ba_active ? implode(',', $ba_active) : 'none', "\n";
