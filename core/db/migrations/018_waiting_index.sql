-- What waits in each queue now (the online snapshot's waiting and longest wait, every few seconds) is read from the
-- index alone: the queue index gains the channel and the time the visit began, and loses queued_at, which no query
-- narrows or orders by. With 10,000 waiting among a million interactions (bench/reports) the read had to fetch
-- each waiting row (68 ms under load); from the index it takes 17 ms. Still one index to keep, no more writes: the
-- columns added change only when status or queue do, which rewrite the entry anyway.
ALTER TABLE interactions
  DROP KEY ix_interactions_queue,
  ADD KEY ix_interactions_queue (status, queue, channel, queue_entered_at);
