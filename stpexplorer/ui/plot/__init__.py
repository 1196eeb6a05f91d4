"""bqplot helpers that know no experiment: marks and figures (:mod:`.marks`), ticks
(:mod:`.ticks`), legends (:mod:`.legend`), decimation (:mod:`.decimate`), heat maps
(:mod:`.heatmap`) and the palette (:mod:`.colors`)."""
