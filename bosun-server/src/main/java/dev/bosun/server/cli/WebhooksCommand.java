package dev.bosun.server.cli;

import static dev.bosun.server.cli.Table.col;

import dev.bosun.client.BosunClient;
import dev.bosun.wire.CheckpointEventType;
import dev.bosun.wire.DeliveryState;
import dev.bosun.wire.Items;
import dev.bosun.wire.Page;
import dev.bosun.wire.Webhook;
import dev.bosun.wire.WebhookCreated;
import dev.bosun.wire.WebhookDelivery;
import dev.bosun.wire.WireJson;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code bosun webhooks}: the API key's tenant's webhook subscriptions and their deliveries. */
@Command(
        name = "webhooks",
        mixinStandardHelpOptions = true,
        description =
                "Subscribe URLs to checkpoint events; list, show and delete subscriptions; see and retry deliveries.",
        subcommands = {
            WebhooksCommand.Create.class,
            WebhooksCommand.ListWebhooks.class,
            WebhooksCommand.Show.class,
            WebhooksCommand.Delete.class,
            WebhooksCommand.Deliveries.class,
            WebhooksCommand.Retry.class
        },
        footer = {
            "",
            "Examples:",
            "  bosun webhooks create https://hooks.example.com/bosun --event session_ended",
            "  bosun webhooks deliveries wh_01J... --state dead",
            "  bosun webhooks delete wh_01J..."
        })
final class WebhooksCommand {

    @Command(
            name = "create",
            mixinStandardHelpOptions = true,
            description = "Subscribe a URL to checkpoint events; prints its id and its secret.",
            footer = {
                "",
                "Examples:",
                "  bosun webhooks create https://hooks.example.com/bosun --event session_ended --event task_completed",
                "  bosun webhooks create https://hooks.example.com/all --event '*' --json | jq -r .secret",
                "",
                "Event types: session_started, task_started, task_completed, session_ended, error,",
                "emergence_alert, or * for all. The secret signs every delivery (Bosun-Signature;",
                "see docs/API.md) and is shown only now: keep it. Without --secret one is generated."
            })
    static final class Create implements Callable<Integer> {
        @Mixin
        ClientOptions client;

        // A parameter, not --url: that option names the Bosun server on every client command.
        @Parameters(index = "0", paramLabel = "URL", description = "Where deliveries are POSTed (http:// or https://).")
        String url;

        @Option(
                names = "--event",
                required = true,
                paramLabel = "T",
                description = "An event type to send (or *); repeat for more.")
        List<String> events = new ArrayList<>();

        // An argument shows in ps; the generated secret is the safer default, and this is for a shared one.
        @Option(
                names = "--secret",
                paramLabel = "S",
                description = "The signing secret (16..256 visible ASCII characters; default: generated).")
        String secret;

        @Override
        public Integer call() {
            try (BosunClient c = client.connect()) {
                WebhookCreated w = c.createWebhook(url, events, Optional.ofNullable(secret));
                if (client.json) {
                    client.printJson(w);
                    return 0;
                }
                Table.fields(client.out(), new String[][] {{"id", w.webhookId()}, {"secret", w.secret()}});
                client.err().println("the secret is shown only now: keep it to verify deliveries");
                return 0;
            }
        }
    }

    @Command(
            name = "list",
            mixinStandardHelpOptions = true,
            description = "List the subscriptions, oldest first (without their secrets).",
            footer = {"", "Examples:", "  bosun webhooks list", "  bosun webhooks list --json | jq -r '.items[].url'"})
    static final class ListWebhooks implements Callable<Integer> {
        @Mixin
        ClientOptions client;

        @Override
        public Integer call() {
            try (BosunClient c = client.connect()) {
                List<Webhook> hooks = c.webhooks();
                if (client.json) {
                    client.printJson(new Items<>(hooks));
                    return 0;
                }
                Table t = new Table(col("id", 0), col("events", 40), col("url", 60), col("created", 0));
                for (Webhook w : hooks)
                    t.row(w.webhookId(), events(w.events(), ","), w.url(), Table.time(w.createdAt()));
                t.print(client.out());
                return 0;
            }
        }
    }

    @Command(
            name = "show",
            mixinStandardHelpOptions = true,
            description = "Show one subscription (without its secret).",
            footer = {
                "",
                "Examples:",
                "  bosun webhooks show wh_01J...",
                "",
                "A subscription this API key's tenant does not have exits 3."
            })
    static final class Show implements Callable<Integer> {
        @Mixin
        ClientOptions client;

        @Parameters(index = "0", paramLabel = "ID", description = "The subscription id.")
        String id;

        @Override
        public Integer call() {
            try (BosunClient c = client.connect()) {
                Webhook w = c.webhook(id);
                client.print(
                        WireJson.tree(w),
                        () -> Table.fields(client.out(), new String[][] {
                            {"id", w.webhookId()},
                            {"url", w.url()},
                            {"events", events(w.events(), ", ")},
                            {"created", Table.time(w.createdAt())},
                        }));
                return 0;
            }
        }
    }

    @Command(
            name = "delete",
            mixinStandardHelpOptions = true,
            description = "Delete a subscription and its pending deliveries. Prints 'ID deleted'.",
            footer = {
                "",
                "Examples:",
                "  bosun webhooks delete wh_01J...",
                "",
                "An unknown subscription exits 3. With --json nothing is printed (the server",
                "answers 204 without a body)."
            })
    static final class Delete implements Callable<Integer> {
        @Mixin
        ClientOptions client;

        @Parameters(index = "0", paramLabel = "ID", description = "The subscription id.")
        String id;

        @Override
        public Integer call() {
            try (BosunClient c = client.connect()) {
                c.deleteWebhook(id);
                if (!client.json) client.println(id + " deleted");
                return 0;
            }
        }
    }

    @Command(
            name = "deliveries",
            mixinStandardHelpOptions = true,
            description = "List a subscription's deliveries, newest first, with where each stands.",
            footer = {
                "",
                "Examples:",
                "  bosun webhooks deliveries wh_01J...",
                "  bosun webhooks deliveries wh_01J... --state dead",
                "  bosun webhooks deliveries wh_01J... --json | jq '.items[0].body'",
                "",
                "States: pending, delivered, rejected (the receiver answered 410 Gone), dead."
            })
    static final class Deliveries implements Callable<Integer> {
        @Mixin
        ClientOptions client;

        @Parameters(index = "0", paramLabel = "ID", description = "The subscription id.")
        String id;

        @Option(
                names = "--state",
                paramLabel = "S",
                description = "Only deliveries in this state: pending, delivered, rejected, dead.")
        String state;

        @Mixin
        PageOptions paging;

        @Override
        public Integer call() {
            Optional<DeliveryState> s =
                    Optional.ofNullable(state).map(v -> Args.choice(DeliveryState.class, "--state", v));
            int n = paging.limit();
            try (BosunClient c = client.connect()) {
                Page<WebhookDelivery> page = c.webhookDeliveries(id, s, paging.after(), n);
                if (client.json) {
                    client.printJson(page);
                    return 0;
                }
                Table t = new Table(
                        col("id", 0),
                        col("session", 0),
                        col("seq", 0),
                        col("event", 0),
                        col("state", 0),
                        col("attempts", 0),
                        col("last", 48),
                        col("created", 0));
                for (WebhookDelivery d : page.items()) {
                    t.row(
                            d.deliveryId(),
                            d.sessionId(),
                            Long.toString(d.seq()),
                            d.eventType(),
                            d.state().wire(),
                            Integer.toString(d.attempts()),
                            last(d),
                            Table.time(d.createdAt()));
                }
                t.print(client.out());
                PageOptions.hint(client, "deliveries", page);
                return 0;
            }
        }

        /** The last answer: its status, and the error when there was one. */
        private static String last(WebhookDelivery d) {
            String status = d.lastStatus() == null ? "" : String.valueOf(d.lastStatus());
            String error = d.lastError() == null ? "" : d.lastError();
            return (status + (status.isEmpty() || error.isEmpty() ? "" : " ") + error).strip();
        }
    }

    @Command(
            name = "retry",
            mixinStandardHelpOptions = true,
            description = "Send a dead or rejected delivery again; prints 'DELIVERY_ID pending'.",
            footer = {
                "",
                "Examples:",
                "  bosun webhooks retry wh_01J... whd_01J...",
                "",
                "A delivery in any other state exits 4 (conflict); one that is not this",
                "subscription's exits 3."
            })
    static final class Retry implements Callable<Integer> {
        @Mixin
        ClientOptions client;

        @Parameters(index = "0", paramLabel = "ID", description = "The subscription id.")
        String id;

        @Parameters(index = "1", paramLabel = "DELIVERY_ID", description = "The delivery id.")
        String deliveryId;

        @Override
        public Integer call() {
            try (BosunClient c = client.connect()) {
                WebhookDelivery d = c.retryWebhookDelivery(id, deliveryId);
                client.print(
                        WireJson.tree(d),
                        () -> client.println(d.deliveryId() + " " + d.state().wire()));
                return 0;
            }
        }
    }

    private static String events(List<CheckpointEventType> events, String separator) {
        return String.join(
                separator, events.stream().map(CheckpointEventType::wire).toList());
    }
}
