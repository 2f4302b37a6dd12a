<?php
/**
 * Comments of a post whose discussion lives on Disqus (mode comments-external):
 * the container Disqus's embed code fills, and no WordPress comments.
 */
if (!defined('ABSPATH')) {
    exit;
}
?>
<div id="comments" class="comments-area">
<div id="disqus_thread"></div>
<noscript>Please enable JavaScript to view the <a href="https://disqus.com/?ref_noscript">comments powered by Disqus.</a></noscript>
</div>
