"""One widget panel per registry key (:data:`stpexplorer.experiments.EXPERIMENTS`), with its views.
Each experiment names its panel class (``Experiment.panel``); nothing here lists them."""
