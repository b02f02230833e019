"""What other plugins may use of the econsent plugin (the rest is internal): the optional
parts of consent a subject agreed to (a biobank module asks before storing samples); a
consent document read, or made with its first draft version from its checked write schema
(a library of templates)."""

from plugins.econsent.choices import optional_consents
from plugins.econsent.documents.models import ConsentDocument
from plugins.econsent.documents.schemas import ConsentDocumentWriteSchema
from plugins.econsent.documents.services import create_document, get_document

__all__ = [
    "ConsentDocument",
    "ConsentDocumentWriteSchema",
    "create_document",
    "get_document",
    "optional_consents",
]
