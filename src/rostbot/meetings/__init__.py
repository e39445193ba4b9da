"""Focus groups and breakfast meetings: planning, invitations, bookings, notices, reminders."""
