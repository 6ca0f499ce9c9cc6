"""Domain events other packages subscribe to, so the users package need not know about chat,
discussion or results when an account is deleted."""

from blinker import Namespace

_signals = Namespace()

# Sent with the User before any of its rows are deleted, inside the same transaction. Receivers
# detach or anonymise what must outlive the account (group chat and discussion messages show as
# "Deleted Account") and delete what must not.
account_deleting = _signals.signal("account-deleting")
