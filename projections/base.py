"""The projection protocol, now in projections.kit; kept importable from here."""

from projections.kit import REMEMBER_AT_MOST, Batch, Projection

__all__ = ["REMEMBER_AT_MOST", "Batch", "Projection"]
