"""What other plugins may use of the econsult plugin (the rest is internal): adding a
video provider the tenant setting ``provider`` can choose."""

from plugins.econsult.providers import Admission, Attendee, VideoProvider, register_provider

__all__ = ["Admission", "Attendee", "VideoProvider", "register_provider"]
