-- Which chatbot integration holds an interaction in status bot, recorded when its bot gets it: a bot acts only on
-- what its own integration holds, not on what another bot has. Cleared whenever the interaction enters status
-- bot again, so the next bot to get it records itself.
ALTER TABLE interactions ADD COLUMN bot VARCHAR(64) NULL AFTER operator;

-- Who wrote an outbound message besides its kind: the operator's id, the bot's integration, the API token's name
-- (author 'integration'). Empty for the system and for the admin token acting as itself.
ALTER TABLE messages ADD COLUMN author_id VARCHAR(64) NULL AFTER author;
