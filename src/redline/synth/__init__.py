"""Seeded synthetic posts for training and for measuring recall under each evasion family.

There are no real ads in bulk, so positives come from templates in the registers real ads use,
crossed with the evasion families in DESIGN.md; hard negatives share the same vocabulary.
Accuracy is only ever claimed on real text this generator did not produce.
"""

from redline.synth.evasion import APPLIES, EVASIONS
from redline.synth.generate import evasion_set, generate

__all__ = ["APPLIES", "EVASIONS", "evasion_set", "generate"]
