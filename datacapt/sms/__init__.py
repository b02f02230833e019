"""Text messages (SMS) sent through a backend chosen by SMS_URL."""
