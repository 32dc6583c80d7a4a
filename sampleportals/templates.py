"""`{slot}` templates compiled once into small Python functions (the text generator's hot path).

A template such as ``"{bank}下调{product}利率{bp}个基点"`` becomes the equivalent of::

    def fill(rng, cast):
        return f"{cast['bank']}下调{cast['product']}利率{number_bp(rng)}个基点"

Three kinds of slot: *cast* slots read the story's fixed actors from `cast`, *number* slots call their
draw function, *phrase* slots pick one phrase of a list with a single `rng.random()` and fill it in
turn. An f-string evaluates its parts left to right, so a compiled template makes exactly the draws,
in the same order, of a slot-by-slot interpreter; it only skips the interpreter's loop and dispatch,
which cost more than the draws themselves.
"""

from __future__ import annotations

import re
import typing
from collections.abc import Callable, Mapping, Sequence
from random import Random

Filler = Callable[[Random, Mapping[str, str]], str]
SLOT = re.compile(r"\{(\w+)\}")
_ESCAPES = str.maketrans({"\\": "\\\\", '"': '\\"', "{": "{{", "}": "}}", "\n": "\\n", "\r": "\\r"})


class TemplateCompiler:
    """Compiles templates over one vocabulary of cast slots, number slots and phrase lists."""

    def __init__(
        self,
        cast_slots: frozenset[str],
        numbers: Mapping[str, Callable[[Random], str]],
        phrases: Mapping[str, Sequence[str]],
    ) -> None:
        """`cast_slots`: names read from the cast; `numbers`: name -> draw; `phrases`: name -> phrase list."""
        self.cast_slots = cast_slots
        self.numbers = numbers
        self.phrases = phrases
        self._namespace: dict[str, object] = {f"number_{name}": draw for name, draw in numbers.items()}
        self._compiled: dict[str, Filler] = {}

    def compile(self, template: str) -> Filler:
        """The fill function of `template` (memoised)."""
        filler = self._compiled.get(template)
        if filler is None:
            filler = self._compiled[template] = self._build(template)
        return filler

    def compile_all(self, templates: Sequence[str]) -> tuple[Filler, ...]:
        """The fill functions of a template list, in order."""
        return tuple(self.compile(template) for template in templates)

    def _build(self, template: str) -> Filler:
        """Write the fill function's source and define it (its globals: the draw functions and phrases)."""
        parts = SLOT.split(template)
        pieces = [
            part.translate(_ESCAPES) if index % 2 == 0 else "{" + self._expression(part) + "}"
            for index, part in enumerate(parts)
        ]
        source = f'def fill(rng, cast):\n    return f"{"".join(pieces)}"\n'
        defined: dict[str, object] = {}
        exec(compile(source, f"<template {template!r}>", "exec"), self._namespace, defined)
        filler = typing.cast(Filler, defined["fill"])
        filler.__doc__ = template
        return filler

    def _expression(self, slot: str) -> str:
        """The Python expression that fills `slot` (left-to-right evaluation keeps the draw order)."""
        if slot in self.cast_slots:
            return f"cast[{slot!r}]"
        if slot in self.numbers:
            return f"number_{slot}(rng)"
        name = f"phrase_{slot}"
        if name not in self._namespace:
            self._define_phrase(slot, name)
        items = self.phrases[slot]
        return f"{name}[int(rng.random() * {len(items)})]" + ("" if self._plain(slot) else "(rng, cast)")

    def _define_phrase(self, slot: str, name: str) -> None:
        """Bind a phrase list: its strings when none has a slot, else its fill functions."""
        items = self.phrases[slot]
        self._namespace[name] = tuple(items)  # placeholder while nested phrases compile (lists may nest)
        if not self._plain(slot):
            self._namespace[name] = self.compile_all(items)

    def _plain(self, slot: str) -> bool:
        return not any(SLOT.search(item) for item in self.phrases[slot])
