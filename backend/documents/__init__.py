"""Managing the policy documents: the role check, the audit trail and each document's metadata."""
