-- Providers report later what happened to a client's message: edited (VK message_edit, wall_reply_edit) or deleted
-- (wall_reply_delete). The message keeps its place in the conversation; these say when it changed.

ALTER TABLE messages
  ADD COLUMN edited_at DATETIME(3) NULL AFTER updated_at,
  ADD COLUMN deleted_at DATETIME(3) NULL AFTER edited_at;
