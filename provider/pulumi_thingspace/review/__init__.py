"""Change reviews: what a ``pulumi preview --json`` will do to ThingSpace, as Markdown for a pull request.

Modules: :mod:`.parse` reads preview JSON, :mod:`.changes` works out each resource's effect into the
records of :mod:`.model`, :mod:`.render` writes Markdown and :mod:`.cli` is ``thingspace-review``.
"""

from .changes import review
from .model import KeyChange, Requests, ResourceReview, Review
from .parse import Preview, ReviewInputError, Step, parse_preview
from .render import render

__all__ = [
    "KeyChange",
    "Preview",
    "Requests",
    "ResourceReview",
    "Review",
    "ReviewInputError",
    "Step",
    "parse_preview",
    "render",
    "review",
]
