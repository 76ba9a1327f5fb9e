"""The mail outbox: messages written in the transaction that causes them,
delivered later by a worker (`flask mail send-due`, `flask mail work`)."""
