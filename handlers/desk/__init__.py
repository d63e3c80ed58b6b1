"""The customer desk: what customers say to the company's Official Account, channel-neutral.

Customers are not users: they have a CustomerLink, not an Identity. Everything they cause (a
ticket, a rep's reminder, the answer they get) is written in one transaction with the outbox.
"""
