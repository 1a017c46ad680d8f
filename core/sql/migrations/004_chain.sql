-- 004: wire v2. Each change's chain hash, so the next change can name it
-- without unsealing it, and its actor, so a packet carries only the
-- certificates its recipient lacks. Rows logged before have neither: the
-- store works a hash out when it needs one, and a missing actor only means a
-- certificate is sent again.

ALTER TABLE changes ADD COLUMN hash BLOB;
ALTER TABLE changes ADD COLUMN actor BLOB;
