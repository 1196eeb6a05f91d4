"""What a panel is made of: the panel base (:mod:`.panel`) and its parts, each with explicit
inputs: controls (:mod:`.control`, :mod:`.sliders`, :mod:`.format`), the header (:mod:`.header`),
the file row (:mod:`.file_row`, :mod:`.file_access`), pins (:mod:`.pins`), zoom (:mod:`.zoom`),
figure export (:mod:`.export`), lazy tabs (:mod:`.tabs`), accessibility (:mod:`.a11y`) and the
CSS (:mod:`.style`). Parts know no particular experiment."""
