"""Thin delegating properties: a class answers for some public names of a part it holds."""

from __future__ import annotations

__all__ = ["delegate"]


def delegate(cls: type, part: str, names) -> type:
    """Give ``cls`` a property per name in ``names`` that reads (and sets) ``self.<part>.<name>``."""
    for name in names:
        def get(self, name=name):
            return getattr(getattr(self, part), name)

        def set_(self, value, name=name):
            setattr(getattr(self, part), name, value)

        setattr(cls, name, property(get, set_, doc=f"``{part}.{name}``"))
    return cls
