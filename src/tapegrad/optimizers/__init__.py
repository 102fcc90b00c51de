"""Optimizers with Keras 3's update rules: ``SGD``, ``Adam``, ``AdamW``, ``RMSprop``, ``Adagrad``.

>>> w = tg.Variable([1.0, -2.0], name="w")
>>> opt = tg.optimizers.Adam(learning_rate=0.1)
>>> opt.minimize(lambda: tg.reduce_sum(tg.square(w)), [w])
1
>>> opt.get_slot(w, "m").name
'Adam/m/w:0'

``tg.optimizers.schedules`` has learning-rate schedules.
"""

from __future__ import annotations

from . import schedules
from .adagrad import Adagrad
from .adam import Adam, AdamW
from .optimizer import Optimizer
from .rmsprop import RMSprop
from .sgd import SGD

__all__ = ["Optimizer", "SGD", "Adam", "AdamW", "RMSprop", "Adagrad", "schedules"]
