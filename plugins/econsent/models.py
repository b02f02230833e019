"""Every model of the econsent plugin, from the module of each activity."""

from __future__ import annotations

from plugins.econsent.consents.models import MODELS as CONSENT_MODELS
from plugins.econsent.documents.models import MODELS as DOCUMENT_MODELS

MODELS = [*DOCUMENT_MODELS, *CONSENT_MODELS]
