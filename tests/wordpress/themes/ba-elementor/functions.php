<?php
require_once dirname(__DIR__) . '/common.php';
add_action('after_setup_theme', function () { ba_matrix_setup(); });

/**
 * An Elementor document's wrapper (elementor core/base/document.php,
 * get_container_attributes): data-elementor-type and data-elementor-id, with a container
 * and a text widget inside, as Elementor prints a post built with it.
 */
function ba_elementor_document(int $id, string $type, string $inner): string {
    return sprintf(
        '<div data-elementor-type="%1$s" data-elementor-id="%2$d" class="elementor elementor-%2$d">'
        . '<div class="elementor-element elementor-element-%3$s e-flex e-con-boxed e-con e-parent" data-id="%3$s" data-element_type="container"><div class="e-con-inner">'
        . '<div class="elementor-element elementor-element-%4$s elementor-widget elementor-widget-text-editor" data-id="%4$s" data-element_type="widget" data-widget_type="text-editor.default">'
        . '<div class="elementor-widget-container">%5$s</div></div></div></div></div>',
        esc_attr($type), $id, substr(md5("c$id"), 0, 7), substr(md5("w$id"), 0, 7), $inner
    );
}

add_filter('the_content', function ($content) {
    if (!in_the_loop() || !is_singular()) {
        return $content;
    }
    return ba_elementor_document(get_the_ID(), get_post_type() === 'page' ? 'wp-page' : 'wp-post', $content);
}, 100);
