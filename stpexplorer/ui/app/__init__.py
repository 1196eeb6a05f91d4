"""The application around the panels: the :class:`~stpexplorer.ui.app.explorer.Explorer` (a tab per
registry entry), sharing links (:mod:`.share`) and lecture mode (:mod:`.lecture`)."""
