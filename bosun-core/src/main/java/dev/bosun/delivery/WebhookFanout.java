package dev.bosun.delivery;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bosun.event.Event;
import dev.bosun.id.Ids;
import dev.bosun.json.Json;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * One delivery per checkpoint event and matching subscription of the session's tenant. Events
 * committed before a subscription was created are not sent to it: subscribing is not a replay.
 *
 * <p>The body a receiver gets; {@code id} is the same on every retry, so receivers can de-duplicate:
 * <pre>{@code
 * {"id": "whd_…", "type": "task_completed", "session_id": "sess_…", "seq": 4,
 *  "created_at": "2026-11-21T08:00:00Z", "payload": {…the event's payload…}}
 * }</pre>
 */
public final class WebhookFanout implements CheckpointMaker {
    private final Supplier<List<Webhook>> subscriptions;
    private final Ids ids;
    private volatile List<Webhook> current = List.of();

    /** @param subscriptions every tenant's subscriptions, as of now */
    public WebhookFanout(Supplier<List<Webhook>> subscriptions, Ids ids) {
        this.subscriptions = subscriptions;
        this.ids = ids;
    }

    @Override
    public Consumer consumer() {
        return Consumer.WEBHOOKS;
    }

    /** Reads the subscriptions afresh: one that was just created must see the events after it. */
    @Override
    public void beginPass() {
        current = subscriptions.get();
    }

    @Override
    public List<NewDelivery> make(CheckpointBatch b) {
        List<Webhook> mine =
                current.stream().filter(w -> w.tenant().equals(b.tenant())).toList();
        if (mine.isEmpty()) return List.of();
        var out = new ArrayList<NewDelivery>();
        for (Event e : b.events()) {
            for (Webhook w : mine) {
                if (!w.wants(e.type()) || e.createdAt().isBefore(w.createdAt())) continue;
                String id = "whd_" + ids.nextUlid();
                ObjectNode body = Json.object();
                body.put("id", id);
                body.put("type", e.type());
                body.put("session_id", b.sessionId());
                body.put("seq", e.seq());
                body.put("created_at", e.createdAt().toString());
                body.set("payload", e.payload().deepCopy());
                out.add(new NewDelivery(
                        id,
                        DeliveryKind.WEBHOOK,
                        w.id(),
                        b.tenant(),
                        b.sessionId(),
                        e.seq(),
                        e.type(),
                        body,
                        DeliveryState.PENDING,
                        e.createdAt()));
            }
        }
        return out;
    }
}
