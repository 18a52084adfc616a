"""Dataset loaders: each maps one public corpus onto Vigil's labels.

Every loader returns :class:`~models.data.common.Example` (single message) and/or
:class:`~models.data.common.PairExample` (reply toward a parent/claim) lists. A label a
corpus does not annotate is simply absent from ``Example.labels`` and masked in the loss.
"""
