package dev.bosun.mailbox;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * What one claimed outbox file turned into (see {@link ClaimedFile#read(int, dev.bosun.json.JsonLimits)}):
 * a message to commit as an OUT event, or a file too large or refused by a JSON rule, which the
 * caller moves aside and reports.
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

    /**
     * Valid JSON that breaks a rule an HTTP request would be refused for (depth, keys, string
     * length, a duplicate key, a lone surrogate): taking it in would change it or make it unreadable.
     *
     * @param rule   one of {@link dev.bosun.json.JsonRules}
     * @param path   a JSON Pointer into the file's document ({@code ""}: the whole of it)
     * @param reason what is wrong, for a person
     */
    record Refused(String rule, String path, String reason) implements OutboxItem {}

    /** Whether the file is taken in as an event of its own (else it is moved aside and reported). */
    default boolean accepted() {
        return this instanceof Message;
    }
}
