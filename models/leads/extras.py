"""The extra services a visitor asks for and a trip is booked with: one vocabulary.

The lead form offers some of them (tourscope/config/lead_scoring.yaml gives each its points, and
must use these codes: models/leads/scoring.py checks), the trip form all of them, and a
client made from a lead keeps those asked for as needs. Labels are English, shown in the
reader's language (`extra_label`; N_ marks them for the catalog).
"""

from tourscope.foundation.i18n import N_, gettext

EXTRAS = {
    "transfer": N_("airport transfer"),
    "vip_transfer": N_("VIP airport transfer"),
    "car": N_("car hire"),
    "car_with_driver": N_("car with driver"),
    "extra_room": N_("extra room"),
    "excursions": N_("excursions"),
    "private_excursions": N_("private excursions"),
    "childrens_room": N_("children's room or a nanny"),
    "insurance": N_("travel insurance"),
    "visa_support": N_("visa support"),
    "fast_track": N_("airport fast track"),
    "lounge": N_("airport lounge"),
}


def extra_label(code: str) -> str:
    """An extra's label in the current language; an unknown code as it is."""
    return gettext(EXTRAS[code]) if code in EXTRAS else code
