<?php if (__IW_CONDITION__): ?>
__IW_ENTRIES__
<?php endif; ?>
