-- the databases of the scaled profile (runner/services.py makes the same): Rasa's tracker store, its
-- event broker, the helpdesk console's store, the Telegram bridges' record of what they handled
CREATE DATABASE conversations;
CREATE DATABASE events;
CREATE DATABASE console;
CREATE DATABASE telegram;
