package dev.bosun.delivery;

import java.net.URI;
import java.time.Instant;
import java.util.List;

/**
 * A tenant's webhook subscription: checkpoint events of the listed types, from its tenant's
 * sessions, committed after {@code createdAt}, are POSTed to {@code url}, signed with {@code secret}.
 *
 * @param events event types ({@code session_started}, {@code task_completed}, …) or {@code *} for all
 */
public record Webhook(String id, String tenant, URI url, List<String> events, String secret, Instant createdAt) {
    public static final String ALL = "*";

    public Webhook {
        events = List.copyOf(events);
    }

    public boolean wants(String eventType) {
        return events.contains(ALL) || events.contains(eventType);
    }

    @Override
    public String toString() {
        // the secret signs deliveries: never in a log line
        return "Webhook[id=" + id + ", tenant=" + tenant + ", url=" + url + ", events=" + events + "]";
    }
}
