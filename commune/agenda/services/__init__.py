"""The agenda's writes: one function per action (events, single dates, notifications)."""
