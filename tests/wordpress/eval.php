<?php
/**
 * php eval.php '<php code>' : run code inside the loaded test WordPress.
 * Example: php eval.php 'switch_theme("twentytwentythree");'
 */
if ($argc < 2) {
    fwrite(STDERR, "usage: eval.php '<php code>'\n");
    exit(2);
}
$ba_code = $argv[1];
require __DIR__ . '/boot.php';
$ba_code = trim($ba_code);
if (str_starts_with($ba_code, '<?php')) {
    $ba_code = substr($ba_code, 5);
}
// Act as the administrator so that capability checks pass.
wp_set_current_user(1);
$ba_result = eval($ba_code);
if ($ba_result !== null && !is_bool($ba_result)) {
    echo is_scalar($ba_result) ? $ba_result : wp_json_encode($ba_result, JSON_PRETTY_PRINT | JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE);
    echo "\n";
}
