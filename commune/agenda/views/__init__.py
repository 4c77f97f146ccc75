"""The agenda's pages: public (agenda, event, venue, feeds), organisers', moderators'."""
