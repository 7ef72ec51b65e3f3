"""Read the public-services catalogue: `Catalogue(...).life_event("birth", lang="ro")`."""

from catalogue_client.client import Catalogue
from catalogue_client.exceptions import (
    BadRequest,
    CatalogueError,
    InvalidResponse,
    NotFound,
    Unavailable,
)
from catalogue_client.models import (
    Channel,
    Cost,
    Document,
    Helpdesk,
    LifeEvent,
    LifeEventSummary,
    Listing,
    Locality,
    Office,
    OpeningHours,
    Organisation,
    SearchHit,
    Service,
    ServiceStep,
)
from catalogue_client.questions import Condition, Option, Question, Relation

__all__ = [
    "BadRequest",
    "Catalogue",
    "CatalogueError",
    "Channel",
    "Condition",
    "Cost",
    "Document",
    "Helpdesk",
    "InvalidResponse",
    "LifeEvent",
    "LifeEventSummary",
    "Listing",
    "Locality",
    "NotFound",
    "Office",
    "OpeningHours",
    "Option",
    "Organisation",
    "Question",
    "Relation",
    "SearchHit",
    "Service",
    "ServiceStep",
    "Unavailable",
]
