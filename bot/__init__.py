"""Channel front-ends: the Telegram bridge (python-telegram-bot) and the website chat widget."""
