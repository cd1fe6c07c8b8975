"""Phone numbers as channels need them: E.164 (``+33612345678``), or a clear refusal.

Sources hold numbers the way people type them (``06 12 34 56 78``, ``+33 (0)6...``);
a number without its country code is read in the customer's country (the postal
address's), else in the channel's ``default_region``, else in the company's country.
"""

from __future__ import annotations

import phonenumbers
from phonenumbers import PhoneNumberFormat, PhoneNumberType

from relance.errors import ChannelError
from relance.i18n import _
from relance.model import Message

__all__ = ["e164"]


def e164(message: Message, default_region: str, *, mobile: bool = False) -> str:
    """The number of ``message`` in E.164; a missing or invalid one is a permanent failure.

    :param default_region: the country a national number is read in, when the message's
        postal address does not say.
    :param mobile: refuse numbers that are certainly landlines (an SMS cannot reach them).
    """
    customer = message.recipient_name or message.customer_id
    if not message.to:
        raise ChannelError(
            _("no phone number for customer {customer}").format(customer=customer),
            permanent=True,
        )
    raw = message.to[0]
    address = message.postal_address
    region = address.country if address is not None and address.country else default_region
    try:
        number = phonenumbers.parse(raw, region)
    except phonenumbers.NumberParseException:
        number = None
    if number is None or not phonenumbers.is_valid_number(number):
        raise ChannelError(
            _("phone number {number!r} of customer {customer} is not a valid number").format(
                number=raw, customer=customer
            ),
            permanent=True,
        )
    if mobile and phonenumbers.number_type(number) == PhoneNumberType.FIXED_LINE:
        raise ChannelError(
            _("phone number {number!r} of customer {customer} is a landline (no SMS)").format(
                number=raw, customer=customer
            ),
            permanent=True,
        )
    return phonenumbers.format_number(number, PhoneNumberFormat.E164)
