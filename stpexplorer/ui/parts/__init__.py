"""What a panel is made of: the panel base (:mod:`.panel`) and its parts, each with explicit
inputs: the panel's state (:mod:`.state`, :class:`PanelState`, which the parts observe), controls
(:mod:`.controls`, :mod:`.control`, :mod:`.sliders`, :mod:`.format`), the header and status
lines (:mod:`.header`), the file row (:mod:`.files`, :mod:`.file_row`, :mod:`.file_access`),
pins (:mod:`.pins`), zoom (:mod:`.zoom`), views drawn only while shown (:mod:`.when_shown`),
figure export (:mod:`.export`), lazy tabs (:mod:`.tabs`), accessibility (:mod:`.a11y`), the
CSS (:mod:`.style`) and delegating properties (:mod:`.delegate`). Parts know no particular
experiment."""
