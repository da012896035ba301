-- Marketing offers (docs/offers.md): what a marketer wants operators to propose to the clients that fit, with
-- its schedule, priority and per-client limit; and what became of each: shown to an operator for an interaction,
-- sent to the client, activated when the client accepted (the results per offer, operator and queue).
CREATE TABLE offers (
  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  title VARCHAR(255) NOT NULL,
  description TEXT NOT NULL,
  -- The text sent, with the response templates' variables; or, when empty, the shared response template named
  -- by template_id, rendered when sent. No foreign key: deleting a template must not fail on an offer naming it;
  -- such an offer answers 409 when sent, and the marketer edits it.
  body TEXT NOT NULL,
  template_id BIGINT NULL,
  -- The conditions on the client as the API takes them (model/offer.h), all of which must hold.
  conditions LONGTEXT NOT NULL,
  valid_from DATETIME(3) NULL,
  valid_to DATETIME(3) NULL,
  priority INT NOT NULL DEFAULT 0,
  -- Activations per client at most; NULL: no limit.
  client_limit INT NULL,
  retired TINYINT(1) NOT NULL DEFAULT 0,
  version INT NOT NULL DEFAULT 1,
  created_at DATETIME(3) NOT NULL,
  updated_at DATETIME(3) NOT NULL,
  KEY ix_offers_live (retired, priority)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Shown: once per interaction and offer, when an operator's list for that interaction held it.
CREATE TABLE offer_shows (
  offer_id BIGINT NOT NULL,
  interaction_id BIGINT NOT NULL,
  -- Kept as ids, not keys (as with the templates' uses): results outlive an operator or a queue removed later.
  operator_id VARCHAR(64) NOT NULL DEFAULT '',
  queue_id VARCHAR(64) NOT NULL DEFAULT '',
  shown_at DATETIME(3) NOT NULL,
  PRIMARY KEY (offer_id, interaction_id),
  CONSTRAINT fk_offer_shows_offer FOREIGN KEY (offer_id) REFERENCES offers (id),
  CONSTRAINT fk_offer_shows_interaction FOREIGN KEY (interaction_id) REFERENCES interactions (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Each send (a message in the interaction) and each activation (the client accepted).
CREATE TABLE offer_actions (
  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  offer_id BIGINT NOT NULL,
  kind ENUM('sent', 'activated') NOT NULL,
  interaction_id BIGINT NOT NULL,
  client_id BIGINT NOT NULL,
  operator_id VARCHAR(64) NOT NULL DEFAULT '',
  queue_id VARCHAR(64) NOT NULL DEFAULT '',
  message_id BIGINT NULL,
  created_at DATETIME(3) NOT NULL,
  -- The per-client limit counts a client's activations of an offer.
  KEY ix_offer_actions_client (client_id, offer_id, kind),
  KEY ix_offer_actions_offer (offer_id, kind),
  KEY ix_offer_actions_interaction (interaction_id, offer_id),
  CONSTRAINT fk_offer_actions_offer FOREIGN KEY (offer_id) REFERENCES offers (id),
  CONSTRAINT fk_offer_actions_interaction FOREIGN KEY (interaction_id) REFERENCES interactions (id),
  CONSTRAINT fk_offer_actions_client FOREIGN KEY (client_id) REFERENCES clients (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
