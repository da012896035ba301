-- Outbound campaigns (docs/campaigns.md): a marketer's message to a segment of clients over one channel account,
-- sent at a rate within allowed hours; one row per recipient that records, before anything goes out, that it is
-- being sent, so a daemon killed mid-campaign never sends anyone a second message; and the clients who opted out.
CREATE TABLE campaigns (
  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  name VARCHAR(255) NOT NULL,
  channel VARCHAR(32) NOT NULL,
  account VARCHAR(64) NOT NULL,
  -- The validated definition (segment, message, schedule, rate) as the API takes it (model/campaign.h).
  definition LONGTEXT NOT NULL,
  -- draft: being prepared; running: launched (it waits for its start and its allowed hours by itself); paused;
  -- cancelled; finished: every recipient was tried, or the schedule ended.
  state ENUM('draft', 'running', 'paused', 'cancelled', 'finished') NOT NULL,
  -- The recipients were chosen (at the first run after the launch): the segment is read once, so a client who fits
  -- later is not added and one who stops fitting is not dropped halfway.
  prepared TINYINT(1) NOT NULL DEFAULT 0,
  targeted INT NOT NULL DEFAULT 0,
  created_by VARCHAR(64) NOT NULL DEFAULT '',
  version INT NOT NULL DEFAULT 1,
  created_at DATETIME(3) NOT NULL,
  updated_at DATETIME(3) NOT NULL,
  launched_at DATETIME(3) NULL,
  finished_at DATETIME(3) NULL,
  -- The last time the campaign sent anything: replies within the reply window are looked for after it.
  last_sent_at DATETIME(3) NULL,
  KEY ix_campaigns_state (state)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE campaign_recipients (
  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  campaign_id BIGINT NOT NULL,
  client_id BIGINT NOT NULL,
  address_kind VARCHAR(32) NOT NULL,
  address_value VARCHAR(255) NOT NULL,
  -- pending: not tried yet (or tried again after a provider's rate limit, at next_attempt_at); sending: handed to
  -- the channel, outcome not recorded yet (a daemon that stops here leaves it so, and it is failed as
  -- 'interrupted', never sent again); sent, delivered, read: as the provider reports; failed; skipped: never
  -- tried (opted out meanwhile, the campaign cancelled or ended first).
  state ENUM('pending', 'sending', 'sent', 'delivered', 'read', 'failed', 'skipped') NOT NULL DEFAULT 'pending',
  attempts INT NOT NULL DEFAULT 0,
  next_attempt_at DATETIME(3) NOT NULL,
  -- The provider's id of the message (a wamid, a VK message id, a Message-ID): its delivery reports find the row.
  external_id VARCHAR(255) NULL,
  error_code VARCHAR(64) NOT NULL DEFAULT '',
  error_text VARCHAR(1000) NOT NULL DEFAULT '',
  sent_at DATETIME(3) NULL,
  delivered_at DATETIME(3) NULL,
  read_at DATETIME(3) NULL,
  -- The client wrote back within the reply window: the interaction their reply opened.
  replied_at DATETIME(3) NULL,
  reply_interaction_id BIGINT NULL,
  opted_out_at DATETIME(3) NULL,
  UNIQUE KEY uq_campaign_recipients_client (campaign_id, client_id),
  KEY ix_campaign_recipients_due (campaign_id, state, next_attempt_at),
  KEY ix_campaign_recipients_reply (client_id, sent_at),
  KEY ix_campaign_recipients_external (external_id),
  CONSTRAINT fk_campaign_recipients_campaign FOREIGN KEY (campaign_id) REFERENCES campaigns (id) ON DELETE CASCADE,
  CONSTRAINT fk_campaign_recipients_client FOREIGN KEY (client_id) REFERENCES clients (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- Clients who asked for no more campaigns: a STOP word in a reply, an email's unsubscribe link, or a person on
-- their behalf. Never sent a campaign's message while here.
CREATE TABLE campaign_opt_outs (
  client_id BIGINT NOT NULL PRIMARY KEY,
  source ENUM('reply', 'unsubscribe', 'api') NOT NULL,
  campaign_id BIGINT NULL,
  opted_out_at DATETIME(3) NOT NULL,
  CONSTRAINT fk_campaign_opt_outs_client FOREIGN KEY (client_id) REFERENCES clients (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- A reply to a campaign opens an interaction like any message; this says which campaign it answers.
ALTER TABLE interactions ADD COLUMN campaign_id BIGINT NULL;

-- Where the search for replies left off (one row): the leader reads interactions after it.
CREATE TABLE campaign_reply_cursor (
  id TINYINT NOT NULL PRIMARY KEY,
  last_interaction_id BIGINT NOT NULL
) ENGINE=InnoDB;
