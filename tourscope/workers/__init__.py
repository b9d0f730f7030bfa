"""Long-running workers over the domain: the e-mail outbox and the offer re-checks."""
