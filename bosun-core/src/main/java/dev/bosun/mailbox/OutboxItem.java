package dev.bosun.mailbox;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * What one claimed outbox file turned into (see {@link ClaimedFile#read(int)}): a message to commit
 * as an OUT event, or a file too large to ingest, which the caller rejects and reports.
 */
public sealed interface OutboxItem {
    /**
     * An OUT event to commit. Files that are not valid UTF-8 or JSON still become a message, of
     * type {@code message}, whose payload carries the raw text and the reason, so nothing a worker
     * writes is silently lost.
     */
    record Message(String eventType, JsonNode payload) implements OutboxItem {}

    /** The file is over the size limit; it was not read. */
    record TooLarge(long sizeBytes) implements OutboxItem {}
}
